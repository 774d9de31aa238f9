import sys

from kubevisor.cli import main

sys.exit(main())
