from scopekeeper.cli import main

raise SystemExit(main())
