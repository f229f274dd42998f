"""telecrm-import schema (not written yet)."""


def add_parser(subparsers):
    parser = subparsers.add_parser("schema", help="(not available yet)")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    print("telecrm-import schema: not available yet")
    return 2
