"""`python -m autograder.bench`: the benchmark by its short name (it lives with the other tools, in `dev/bench.py`)."""

from .dev.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
