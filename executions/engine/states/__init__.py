"""One handler per ASL state type."""
from executions.engine.states.map import MapHandler
from executions.engine.states.parallel import ParallelHandler
from executions.engine.states.simple import ChoiceHandler, FailHandler, PassHandler, SucceedHandler, WaitHandler
from executions.engine.states.task import TaskHandler

HANDLERS = {
    handler.type: handler
    for handler in (
        PassHandler(), TaskHandler(), ChoiceHandler(), WaitHandler(), SucceedHandler(), FailHandler(),
        ParallelHandler(), MapHandler(),
    )
}
