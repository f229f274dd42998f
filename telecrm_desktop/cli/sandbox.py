"""telecrm-import sandbox (not written yet)."""


def add_parser(subparsers):
    parser = subparsers.add_parser("sandbox", help="(not available yet)")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    print("telecrm-import sandbox: not available yet")
    return 2
