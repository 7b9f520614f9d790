from cohesion.cli import main

raise SystemExit(main())
