"""What the checks share while walking one definition: the report, scopes, and the state at hand."""

from __future__ import annotations

from designer.asl.validation.diagnostics import Report

JSONPATH = "JSONPath"
JSONATA = "JSONata"
QUERY_LANGUAGES = (JSONPATH, JSONATA)


def effective_language(declared, inherited: str) -> str:
    """A state's query language: its own QueryLanguage if present, else the machine's.

    AWS (measured): only the exact string "JSONPath" means JSONPath; any other value that is present,
    wrong case and wrong type included, means JSONata (the bad value is reported separately).
    """
    if declared is ABSENT:
        return inherited
    return JSONPATH if declared == JSONPATH else JSONATA


class _Absent:
    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover
        return "<absent>"


ABSENT = _Absent()  # a field that is not there, as opposed to one set to null


class Scope:
    """One `States` object: the top level, a Parallel branch, or a Map's ItemProcessor/Iterator."""

    __slots__ = ("location", "states", "names", "parent", "assigned", "isolated", "reachable", "top")

    def __init__(self, location: str, states: dict, parent: Scope | None, *, isolated: bool = False):
        self.location = location  # "" for the top level, else e.g. "/States/P/Branches[0]"
        self.states = states
        self.names = frozenset(states)
        self.parent = parent
        self.assigned: dict[str, str] = {}  # variable name -> where it is first assigned
        self.isolated = isolated  # a Distributed Map's children cannot read outer variables
        self.reachable: frozenset | None = None  # None: reachability not checked in this scope
        self.top = parent is None

    def outer_names(self) -> dict[str, str]:
        """Variables assigned in the scopes enclosing this one (up to an isolating Distributed Map)."""
        names: dict[str, str] = {}
        scope = self
        while not scope.isolated and scope.parent is not None:
            scope = scope.parent
            for name, where in scope.assigned.items():
                names.setdefault(name, where)
        return names

    def state_location(self, name: str) -> str:
        return f"{self.location}/States/{name}"


class StateInfo:
    """The state being checked: its name, JSON object, location, type, effective language, scope."""

    __slots__ = ("name", "data", "location", "type", "language", "scope", "downgraded")

    def __init__(self, name: str, data: dict, location: str, type_: str, language: str, scope: Scope, downgraded: bool):
        self.name = name
        self.data = data
        self.location = location
        self.type = type_
        self.language = language
        self.scope = scope
        self.downgraded = downgraded  # declared JSONPath inside a JSONata machine

    @property
    def jsonpath(self) -> bool:
        return self.language == JSONPATH


class Checker:
    """Machine-wide facts gathered while walking: every state name and Map label seen so far."""

    __slots__ = ("report", "language", "first_name_location", "labels", "scopes", "duplicated")

    def __init__(self, language: str):
        self.report = Report()
        self.language = language  # the machine's QueryLanguage; children of Map/Parallel inherit it
        self.first_name_location: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.scopes: dict[str, Scope] = {}  # by location, built before any state is checked
        self.duplicated: frozenset = frozenset()  # states the JSON text defines twice in one object
