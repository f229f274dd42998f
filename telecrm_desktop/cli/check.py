"""telecrm-import check (not written yet)."""


def add_parser(subparsers):
    parser = subparsers.add_parser("check", help="(not available yet)")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    print("telecrm-import check: not available yet")
    return 2
