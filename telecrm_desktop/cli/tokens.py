"""telecrm-import tokens (not written yet)."""


def add_parser(subparsers):
    parser = subparsers.add_parser("tokens", help="(not available yet)")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    print("telecrm-import tokens: not available yet")
    return 2
