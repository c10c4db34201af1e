"""What differs between a table's rows and the state a replay of its events ended in."""


def differences(expected, state):
    """`expected` and `state` map id → value; returns one line per kind of difference."""
    problems = []
    missing = sorted(set(expected) - set(state))
    if missing:
        problems.append(f"{len(missing)} rows of the table never came out, e.g. ids {missing[:5]}")
    extra = sorted(set(state) - set(expected))
    if extra:
        problems.append(f"{len(extra)} ids came out that the table does not hold, e.g. {extra[:5]}")
    wrong = sorted(k for k in expected if k in state and state[k] != expected[k])
    if wrong:
        problems.append(f"{len(wrong)} rows end with another value than the table's, e.g. id {wrong[0]}: {state[wrong[0]]} != {expected[wrong[0]]}")
    return problems
