"""telecrm-import history (not written yet)."""


def add_parser(subparsers):
    parser = subparsers.add_parser("history", help="(not available yet)")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    print("telecrm-import history: not available yet")
    return 2
