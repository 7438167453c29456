"""Task functions the live worker runs for the browser tests (FLOWDECK_FUNCTIONS=tests.browser.functions)."""
from executions import resources


@resources.function("browser-notify")
def notify(event):
    """Stands in for whatever tells a person that a task waits in the inbox."""
    return {"notified": True}
