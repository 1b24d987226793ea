import sys

from mall.cli import main

sys.exit(main())
