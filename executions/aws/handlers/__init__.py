"""One module per resource; importing them fills the action table (executions.aws.dispatch.ACTIONS)."""
from executions.aws.handlers import activities, executions, one_shot, state_machines, tags, versions

__all__ = ["activities", "executions", "one_shot", "state_machines", "tags", "versions"]
