from sianode.cli import main

main()
