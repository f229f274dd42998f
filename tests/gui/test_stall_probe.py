"""Where a stall of the GUI thread is charged: to the app's innermost code when its slot runs under
the walk's event pumping, never to the walk (FlowDriver, the self-test's door) that pumps."""

import sys

from telecrm_desktop.gui.stall_probe import _app_frames


def frames_of(chain: list[tuple[str, str]]):
    """The innermost frame of a chain of calls, outermost first: each (file, function) compiled as if
    from that file, so that the probe sees the app's, the door's and the driver's paths."""
    namespace = {"sys": sys}
    for i, (path, name) in enumerate(chain):
        body = f"return {chain[i + 1][1]}()" if i + 1 < len(chain) else "return sys._getframe()"
        exec(compile(f"def {name}():\n    {body}\n", path, "exec"), namespace)
    return namespace[chain[0][1]]()


APP = "/site/telecrm_desktop/gui/app.py"
DOOR = "/site/telecrm_desktop/gui/self_test.py"
DRIVER = "/site/telecrm_desktop/gui/flow_driver.py"
SCREEN = "/site/telecrm_desktop/gui/screens/review_screen.py"


def test_the_apps_slot_under_the_pump_is_charged():
    frame = frames_of([(APP, "main"), (DOOR, "run_on_file"), (DRIVER, "wait_until"), (SCREEN, "_check_finished")])
    assert _app_frames(frame) == "review_screen._check_finished:2"


def test_pumping_with_no_app_code_is_qt_or_the_interpreter_lock_not_the_caller_of_the_walk():
    frame = frames_of([(APP, "main"), (DOOR, "run_on_file"), (DRIVER, "wait_until")])
    assert _app_frames(frame) == "Qt or the interpreter lock, below flow_driver.wait_until"


def test_the_walks_own_work_is_named_as_such():
    frame = frames_of([(APP, "main"), (DOOR, "run_on_file"), (DRIVER, "leave_out_leads_after")])
    assert _app_frames(frame) == "flow_driver.leave_out_leads_after:2 (the walk's own code)"


def test_the_doors_own_memory_reading_is_named_as_the_walks():
    frame = frames_of([(APP, "main"), (DOOR, "run_on_file"), (DOOR, "ok"),
                       ("/site/telecrm_desktop/gui/peak_memory.py", "so_far_mb")])
    assert _app_frames(frame) == "peak_memory.so_far_mb:2 (the walk's own code)"


def test_a_gap_the_measurer_forgets_is_no_stall(qtbot):
    import time

    from telecrm_desktop.gui.stall_probe import StallProbe

    probe = StallProbe()
    try:
        qtbot.wait(30)
        probe.enter("forgotten")
        time.sleep(0.5)  # the door reading memory and printing its line, on the GUI thread
        probe.forget_gap()
        qtbot.wait(30)
        probe.enter("felt")
        time.sleep(0.5)  # the same without forgetting: a stall a person would feel
        qtbot.wait(30)
    finally:
        probe.stop()
    assert probe.longest_ms("forgotten") < 400 <= probe.longest_ms("felt")  # wide margins: a busy machine
