"""One module per resource; importing them fills the action table (executions.aws.dispatch.ACTIONS)."""
from executions.aws.handlers import activities, executions, map_runs, one_shot, state_machines, tags, versions

__all__ = ["activities", "executions", "map_runs", "one_shot", "state_machines", "tags", "versions"]
