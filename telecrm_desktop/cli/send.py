"""telecrm-import send (not written yet)."""


def add_parser(subparsers):
    parser = subparsers.add_parser("send", help="(not available yet)")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    print("telecrm-import send: not available yet")
    return 2
