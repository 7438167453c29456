"""What can be done to state machines; views (REST, AWS-compatible) call these, never the ORM directly."""
from __future__ import annotations

import random
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery

from designer import errors
from designer.configuration import (check_encryption_configuration, check_logging_configuration,
                                    encryption_configuration, logging_configuration, tracing_configuration)
from designer.asl.compile import InvalidDefinition as AslInvalidDefinition
from designer.asl.compile import compile_machine
from designer.asl.model import Machine
from designer.asl.variable_references import variable_references
from designer.models import StateMachine, StateMachineAlias, StateMachineRevision, StateMachineVersion, Tag

MAX_DEFINITION_BYTES = 1_048_576  # AWS: a definition is at most 1 MiB
# AWS names (BOTO Name doc): 1-80 characters, none of whitespace, brackets, wildcards, punctuation or controls.
_INVALID_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ufffe\uffff]")


def check_name(name: str, what: str = "name") -> str:
    """AWS's rule for state machine, execution, activity and alias names, and one of Flowdeck's: not only dots.
    AWS allows "." and "..", but names are path segments here (/machines/<name>/), and those two mean the
    folder itself and its parent: a browser or proxy normalises them away, so no URL could reach the machine."""
    article = "an" if what[:1] in "aeiou" else "a"
    if not isinstance(name, str) or not 1 <= len(name) <= 80 or _INVALID_NAME.search(name):
        # AWS's wording first, then what the rule is.
        raise errors.InvalidName(f"Invalid Name: '{name}' ({article} {what} is 1 to 80 characters, without whitespace, "
                                 "brackets, wildcards, control characters or any of \" # % \\ ^ | ~ ` $ & , ; : /)")
    if not name.strip("."):
        raise errors.InvalidName(f"Invalid Name: '{name}' ({article} {what} cannot be only dots)")
    return name


def check_definition(definition: str) -> Machine:
    """Compile a definition or raise InvalidDefinition with the validator's first errors."""
    if not isinstance(definition, str) or not definition.strip():
        raise errors.InvalidDefinition("Invalid State Machine Definition: 'MISSING_DESCRIPTION'")
    if len(definition.encode("utf-8")) > MAX_DEFINITION_BYTES:
        raise errors.InvalidDefinition("Invalid State Machine Definition: the definition exceeds 1 MiB")
    try:
        return compile_machine(definition)
    except AslInvalidDefinition as exc:
        problems = "; ".join(f"{d.code} at {d.location or '/'}: {d.message}" for d in exc.diagnostics[:10])
        raise errors.InvalidDefinition(f"Invalid State Machine Definition: '{problems}'") from None


def check_express(compiled: Machine) -> None:
    """AWS: Express machines take only request-response integrations (no .sync, callbacks or activities)."""
    from executions.express import definition_problem

    problem = definition_problem(compiled.definition)
    if problem is not None:
        raise errors.InvalidDefinition(f"Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: {problem}'")


_MACHINES: dict[uuid.UUID, Machine] = {}  # by revision_id (a random UUID: never reused, unlike a primary key)
_MACHINES_KEPT = 256


_MACHINES_LOCK = threading.Lock()


def compiled_machine(revision: StateMachineRevision) -> Machine:
    """The compiled Machine of a revision, compiled once per process (revisions never change). A hit reads
    only the revision's id, so callers may leave the definition text unloaded (`defer`). The least recently
    used machine leaves the cache first."""
    key = revision.revision_id
    with _MACHINES_LOCK:
        machine = _MACHINES.pop(key, None)
        if machine is not None:
            _MACHINES[key] = machine  # now the most recently used
            return machine
    machine = compile_machine(revision.definition, validate=False)
    with _MACHINES_LOCK:
        _MACHINES[key] = machine
        while len(_MACHINES) > _MACHINES_KEPT:
            del _MACHINES[next(iter(_MACHINES))]
    return machine


@lru_cache(maxsize=256)
def _variable_references(revision_id: int, definition: str) -> dict[str, list[str]]:
    return variable_references(definition)


def revision_variable_references(revision: StateMachineRevision) -> dict[str, list[str]]:
    """{state name: variables it reads} of a revision (DescribeStateMachine's variableReferences)."""
    return _variable_references(revision.pk, revision.definition)


def create_state_machine(*, name: str, definition: str, role_arn: str, type: str = StateMachine.STANDARD,
                         logging: dict | None = None, tracing: dict | None = None,
                         encryption: dict | None = None) -> StateMachine:
    """The state machine of this name: made now, or the one made before by the same request (see
    `create_or_find_state_machine`, for callers that must know which)."""
    return create_or_find_state_machine(name=name, definition=definition, role_arn=role_arn, type=type,
                                        logging=logging, tracing=tracing, encryption=encryption)[0]


def create_or_find_state_machine(*, name: str, definition: str, role_arn: str, type: str = StateMachine.STANDARD,
                                 logging: dict | None = None, tracing: dict | None = None,
                                 encryption: dict | None = None,
                                 on_create: Callable[[StateMachine], None] | None = None) -> tuple[StateMachine, bool]:
    """(the machine, whether this call made it). AWS: CreateStateMachine is idempotent for the same name,
    definition, role and type, so a repeat returns the machine made before (False); a different one of that name
    is StateMachineAlreadyExists, StateMachineDeleting while it is being deleted. `on_create` completes a new
    machine in the transaction that inserts it (the creator's grant): whoever grants rights must go by the flag,
    never by a look before the call, as two identical creates may overlap."""
    _check_new(name, definition, type)
    return _insert_or_find(
        name=name, definition=definition, role_arn=role_arn, type=type, logging=check_logging_configuration(logging),
        tracing=tracing_configuration(tracing), encryption=check_encryption_configuration(encryption),
        accept=lambda existing: _same_or_refused(existing, definition, role_arn, type), on_create=on_create)


def _check_new(name: str, definition: str, type: str) -> None:
    check_name(name)
    if type not in (StateMachine.STANDARD, StateMachine.EXPRESS):
        raise errors.ValidationException(f"Value '{type}' at 'type' failed to satisfy constraint: "
                                         "Member must satisfy enum value set: [STANDARD, EXPRESS]")
    compiled = check_definition(definition)
    if type == StateMachine.EXPRESS:
        check_express(compiled)


def _insert_or_find(*, name: str, definition: str, role_arn: str, type: str, logging: dict, tracing: dict,
                    encryption: dict, accept: Callable[[StateMachine], object],
                    on_create: Callable[[StateMachine], None] | None) -> tuple[StateMachine, bool]:
    """The machine of this name, which `accept` checks (raising when the request is no repeat of it), or a new
    one that `on_create` completes in the same transaction. Checks of the request come before: compiling a
    large definition must not hold the database's write lock."""
    try:
        with transaction.atomic():  # SQLite's IMMEDIATE transactions: the look and the insert are one step
            existing = StateMachine.objects.filter(name=name).select_related("revision").first()
            if existing is not None:
                return _accepted(existing, accept), False
            machine = StateMachine.objects.create(
                name=name, type=type, role_arn=role_arn, logging_configuration=logging,
                tracing_configuration=tracing, encryption_configuration=encryption)
            machine.revision = StateMachineRevision.objects.create(
                state_machine=machine, definition=definition, role_arn=role_arn)
            machine.save(update_fields=["revision"])
            if on_create is not None:
                on_create(machine)
    except IntegrityError:  # a database that does not serialise the look: the name was inserted meanwhile
        existing = StateMachine.objects.filter(name=name).select_related("revision").first()
        if existing is None:
            raise errors.StateMachineAlreadyExists(f"State Machine Already Exists: '{name}'") from None
        return _accepted(existing, accept), False
    return machine, True


def _accepted(existing: StateMachine, accept: Callable[[StateMachine], object]) -> StateMachine:
    """`existing`, if the request repeats the one that made it (`accept` raises if not); never one being deleted."""
    if existing.status == StateMachine.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{existing.arn}'")
    accept(existing)
    return existing


def _same_or_refused(existing: StateMachine, definition: str, role_arn: str, type: str) -> None:
    if (existing.definition, existing.role_arn, existing.type) != (definition, role_arn, type):
        raise errors.StateMachineAlreadyExists(f"State Machine Already Exists: '{existing.arn}'")


def update_state_machine(machine: StateMachine, *, definition: str | None = None,
                         role_arn: str | None = None) -> StateMachine:
    """A new revision when the definition or role changes; running executions keep theirs."""
    if definition is None and role_arn is None:
        raise errors.MissingRequiredParameter("Either the definition or the roleArn must be specified")
    if machine.status == StateMachine.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    if definition is not None:
        compiled = check_definition(definition)
        if machine.type == StateMachine.EXPRESS:
            check_express(compiled)
    new_definition = definition if definition is not None else machine.definition
    new_role = role_arn if role_arn is not None else machine.role_arn
    if (new_definition, new_role) != (machine.definition, machine.role_arn):
        with transaction.atomic():
            machine.revision = StateMachineRevision.objects.create(
                state_machine=machine, definition=new_definition, role_arn=new_role)
            machine.role_arn = new_role
            machine.save(update_fields=["revision", "role_arn", "updated_at"])
    return machine


# --- The AWS API's view of state machines: ARNs, versions, aliases, tags ----------------------------------

_ARN = re.compile(r"arn:aws[a-z-]*:states:[a-z0-9-]*:\d*:([A-Za-z]+):(.+)")
MAX_VERSIONS = 1000  # AWS quota: versions per state machine
MAX_ALIASES = 100  # AWS quota: aliases per state machine
MAX_TAGS = 50  # AWS quota: tags per resource


def parse_arn(arn: str, *kinds: str) -> tuple[str, str]:
    """(resource type, the rest) of a Step Functions ARN of one of `kinds`; InvalidArn as AWS words it."""
    match = _ARN.fullmatch(arn) if isinstance(arn, str) else None
    if match is None:
        raise errors.InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {arn}'")
    if match.group(1) not in kinds:
        raise errors.InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {match.group(1)}'")
    return match.group(1), match.group(2)


@dataclass(frozen=True)
class Target:
    """What a state machine ARN names: the machine, and the version or alias when the ARN is qualified."""

    machine: StateMachine
    version: StateMachineVersion | None = None
    alias: StateMachineAlias | None = None


def find_state_machine(arn: str) -> Target:
    """The state machine, version (`<arn>:<n>`) or alias (`<arn>:<alias>`) an ARN names, or
    StateMachineDoesNotExist; machines being deleted are found (their status says DELETING)."""
    _, rest = parse_arn(arn, "stateMachine")
    name, _, qualifier = rest.partition(":")
    # The definition text loads only when read: starting an execution needs its cached compile, not the text.
    machine = StateMachine.objects.select_related("revision").defer("revision__definition").filter(name=name).first()
    # An ARN of another region or account names nothing here.
    if machine is None or arn != (f"{machine.arn}:{qualifier}" if qualifier else machine.arn):
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    if not qualifier:
        return Target(machine)
    if qualifier.isdigit():
        version = machine.versions.select_related("revision").filter(number=int(qualifier)).first()
        if version is None or version.arn != arn:
            raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
        return Target(machine, version=version)
    alias = machine.aliases.filter(name=qualifier).first()
    if alias is None:
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    return Target(machine, alias=alias)


def with_last_execution(machines: QuerySet) -> list[StateMachine]:
    """The machines, each with `last_execution`: its latest execution (Distributed Map children aside, as the
    machine's own execution list leaves them out) or None. Two queries, whatever the number of machines."""
    # executions depends on designer, not the other way round: reach the model through the app registry.
    execution_model = apps.get_model("executions", "Execution")
    latest = (execution_model.objects.filter(state_machine=OuterRef("pk"), map_run=None)
              .order_by("-start_date", "-id").values("pk")[:1])
    machines = list(machines.annotate(last_execution_pk=Subquery(latest)))
    executions = execution_model.objects.only("id", "status", "start_date").in_bulk(
        [machine.last_execution_pk for machine in machines if machine.last_execution_pk is not None])
    for machine in machines:
        machine.last_execution = executions.get(machine.last_execution_pk)
    return machines


def find_revision(machine: StateMachine, revision_id: str) -> StateMachineRevision:
    """One revision of `machine` by its revision id, with the versions published from it; ResourceNotFound."""
    try:
        key = uuid.UUID(revision_id)
    except ValueError:
        key = None
    revision = (None if key is None else
                machine.revisions.prefetch_related("versions").filter(revision_id=key).first())
    if revision is None:
        raise errors.ResourceNotFound(f"Revision not found: '{revision_id}' is no revision of '{machine.name}'")
    return revision


def publish_current_revision(machine: StateMachine, *, description: str | None = None,
                             revision_id: str | None = None) -> tuple[StateMachineVersion, bool]:
    """Publish the current revision for the designer: (the version, whether it is new). The current definition
    passed the validator when saved; it is checked again, so that one the validator has since come to refuse is
    not published (InvalidDefinition). Drafts are not revisions: they cannot be published."""
    compiled = check_definition(machine.definition)
    if machine.type == StateMachine.EXPRESS:
        check_express(compiled)
    latest = machine.versions.order_by("-number").values_list("pk", flat=True).first()
    version = publish_state_machine_version(machine, description=description, revision_id=revision_id)
    return version, version.pk != latest


def list_state_machines():
    """State machines by name, without those being deleted."""
    return StateMachine.objects.exclude(status=StateMachine.DELETING).order_by("name")


def shown_revision_id(revision: StateMachineRevision) -> str | None:
    """The revisionId AWS shows for a revision: none for a machine's first, as AWS shows one only after an update."""
    first = (StateMachineRevision.objects.filter(state_machine_id=revision.state_machine_id)
             .order_by("id").values_list("id", flat=True).first())
    return None if first == revision.pk else str(revision.revision_id)


def create_state_machine_and_publish(*, name: str, definition: str, role_arn: str,
                                     type: str = StateMachine.STANDARD, logging: dict | None = None,
                                     tracing: dict | None = None, encryption: dict | None = None,
                                     tags: Iterable[dict] = (), publish: bool = False,
                                     version_description: str | None = None,
                                     on_create: Callable[[StateMachine], None] | None = None,
                                     ) -> tuple[StateMachine, StateMachineVersion | None, bool]:
    """CreateStateMachine as AWS has it: tagged, optionally published as version 1, and idempotent:
    (the machine, its version 1 or None, whether this call made the machine).

    AWS: a repeated request with the same name, definition, type, logging, tracing, encryption, publish and
    version description is the same state machine (a different role or tags are ignored); anything else with
    that name is StateMachineAlreadyExists, or StateMachineDeleting while the old one is being deleted.
    """
    if version_description is not None and not publish:
        raise errors.ValidationException("Version description can only be set when publish is true")
    _check_new(name, definition, type)
    logging, tracing = check_logging_configuration(logging), tracing_configuration(tracing)
    encryption = check_encryption_configuration(encryption)

    def complete(machine: StateMachine) -> None:
        tag_resource(machine.arn, tags)
        if publish:
            publish_state_machine_version(machine, description=version_description)
        if on_create is not None:
            on_create(machine)

    def repeated(existing: StateMachine) -> None:
        _repeated(existing, definition=definition, type=type, logging=logging, tracing=tracing,
                  encryption=encryption, publish=publish, version_description=version_description)

    machine, created = _insert_or_find(name=name, definition=definition, role_arn=role_arn, type=type,
                                       logging=logging, tracing=tracing, encryption=encryption, accept=repeated,
                                       on_create=complete)
    version = machine.versions.order_by("-number").first() if publish else None
    return machine, version, created


def _repeated(existing: StateMachine, *, definition: str, type: str, logging: dict, tracing: dict, encryption: dict,
              publish: bool, version_description: str | None) -> None:
    """Whether a CreateStateMachine repeats the one that made `existing` (AWS returns that machine); raises why
    not."""
    same = (existing.definition, existing.type, logging_configuration(existing.logging_configuration),
            tracing_configuration(existing.tracing_configuration),
            encryption_configuration(existing.encryption_configuration)
            ) == (definition, type, logging, tracing, encryption)
    version = existing.versions.order_by("-number").first() if publish else None
    if not (same and (not publish or (version is not None and version.revision_id == existing.revision_id
                                      and version.description == (version_description or "")))):
        raise errors.StateMachineAlreadyExists(f"State Machine Already Exists: '{existing.arn}'")


def update_state_machine_and_publish(machine: StateMachine, *, definition: str | None = None,
                                     role_arn: str | None = None, logging: dict | None = None,
                                     tracing: dict | None = None, encryption: dict | None = None,
                                     publish: bool = False, version_description: str | None = None,
                                     ) -> tuple[StateMachine, StateMachineVersion | None]:
    """UpdateStateMachine as AWS has it: definition and role make a new revision, logging, tracing and
    encryption are settings of the machine, and `publish` publishes the (new) current revision as a version."""
    if definition is None and role_arn is None and logging is None and tracing is None and encryption is None:
        raise errors.MissingRequiredParameter("Either the definition, the role ARN, the LoggingConfiguration, "
                                              "or the TracingConfiguration must be specified")
    if version_description is not None and not publish:
        raise errors.ValidationException("Version description can only be set when publish is true")
    if machine.status == StateMachine.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    settings = {"logging_configuration": None if logging is None else check_logging_configuration(logging),
                "tracing_configuration": None if tracing is None else tracing_configuration(tracing),
                "encryption_configuration": None if encryption is None else check_encryption_configuration(encryption)}
    settings = {field: value for field, value in settings.items() if value is not None}
    with transaction.atomic():
        if definition is not None or role_arn is not None:
            machine = update_state_machine(machine, definition=definition, role_arn=role_arn)
        if settings:
            for field, value in settings.items():
                setattr(machine, field, value)
            machine.save(update_fields=[*settings, "updated_at"])
        version = publish_state_machine_version(machine, description=version_description) if publish else None
    return machine, version


def publish_state_machine_version(machine: StateMachine, *, description: str | None = None,
                                  revision_id: str | None = None) -> StateMachineVersion:
    """PublishStateMachineVersion: the current revision as the next numbered version. Publishing a revision
    that the latest version already holds returns that version (AWS: publishing is idempotent)."""
    with transaction.atomic():
        locked = StateMachine.objects.select_for_update().select_related("revision").get(pk=machine.pk)
        if locked.status == StateMachine.DELETING:
            raise errors.StateMachineDeleting(f"State Machine is being deleted: '{locked.arn}'")
        current = str(locked.revision.revision_id)
        if revision_id is not None and revision_id != current:
            raise errors.ConflictException(f"Failed to publish the State Machine version for revision {revision_id}. "
                                           f"The current State Machine revision is {current}.")
        latest = locked.versions.order_by("-number").first()
        if latest is not None and latest.revision_id == locked.revision_id:
            return latest
        if locked.versions.count() >= MAX_VERSIONS:
            raise errors.ServiceQuotaExceededException(
                f"A state machine has at most {MAX_VERSIONS} versions: delete unused versions first")
        # AWS: version numbers increase monotonically and are never used again, even once deleted.
        locked.last_version_number = max(locked.last_version_number, latest.number if latest else 0) + 1
        locked.save(update_fields=["last_version_number"])
        return StateMachineVersion.objects.create(state_machine=locked, revision=locked.revision,
                                                  number=locked.last_version_number,
                                                  description=description or "")


def delete_state_machine_version(version: StateMachineVersion) -> None:
    """DeleteStateMachineVersion; AWS refuses while an alias routes to the version."""
    referencing = [alias.name for alias in version.state_machine.aliases.all()
                   if any(route["version"] == version.number for route in alias.routing)]
    if referencing:
        raise errors.ConflictException("Version to be deleted must not be referenced by an alias. Current list of "
                                       f"aliases referencing this version: [{', '.join(referencing)}]")
    version.delete()


def _routing(routing: list[dict]) -> tuple[StateMachine, list[dict]]:
    """A RoutingConfiguration ([{"stateMachineVersionArn", "weight"}]) checked as AWS checks it, as the
    machine it routes to and our stored form [{"version": n, "weight": w}]."""
    arns = [route["stateMachineVersionArn"] for route in routing]
    for arn in arns:
        _, rest = parse_arn(arn, "stateMachine")
        if not rest.partition(":")[2].isdigit():
            raise errors.ValidationException("Routing configuration must contain state machine version ARNs. "
                                             f"Received: [{', '.join(arns)}]")
    if len(set(arns)) != len(arns):
        raise errors.ValidationException("Routing configuration must contain distinct state machine version ARNs. "
                                         f"Received: [{', '.join(arns)}]")
    weights = [route["weight"] for route in routing]
    if sum(weights) != 100:
        raise errors.ValidationException("Sum of routing configuration weights must equal 100. "
                                         f"Received: [{', '.join(map(str, weights))}]")
    if len({arn.rsplit(":", 1)[0] for arn in arns}) != 1:
        raise errors.ValidationException("Routing configuration must contain versions of one state machine. "
                                         f"Received: [{', '.join(arns)}]")
    targets = []
    for arn in arns:
        try:
            targets.append(find_state_machine(arn))
        except errors.StateMachineDoesNotExist:
            raise errors.ResourceNotFound(f"Resource not found: '{arn}'") from None
    return targets[0].machine, [{"version": target.version.number, "weight": route["weight"]}
                                for target, route in zip(targets, routing)]


def routing_configuration(alias: StateMachineAlias) -> list[dict]:
    """An alias's routing as the AWS API shows it."""
    return [{"stateMachineVersionArn": f"{alias.state_machine.arn}:{route['version']}", "weight": route["weight"]}
            for route in alias.routing]


def create_state_machine_alias(*, name: str, routing: list[dict], description: str | None = None
                               ) -> StateMachineAlias:
    """CreateStateMachineAlias: idempotent for the same routing and description, ConflictException otherwise."""
    machine, routes = _routing(routing)
    if machine.status == StateMachine.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    description = description or ""
    existing = machine.aliases.filter(name=name).first()
    if existing is None and machine.aliases.count() >= MAX_ALIASES:
        raise errors.ServiceQuotaExceededException(f"A state machine has at most {MAX_ALIASES} aliases")
    if existing is None:
        try:
            with transaction.atomic():
                return StateMachineAlias.objects.create(state_machine=machine, name=name, routing=routes,
                                                        description=description)
        except IntegrityError:
            existing = machine.aliases.get(name=name)
    if (existing.routing, existing.description) == (routes, description):
        return existing
    raise errors.ConflictException("Failed to create alias because an alias with the same name and a different "
                                   "routing configuration already exists.")


def find_state_machine_alias(arn: str) -> StateMachineAlias:
    """The alias an alias ARN names, or ResourceNotFound."""
    try:
        target = find_state_machine(arn)
    except errors.StateMachineDoesNotExist:
        raise errors.ResourceNotFound("Request references a resource that does not exist.") from None
    if target.alias is None:
        raise errors.InvalidArn(f"Invalid Arn: 'Not a state machine alias ARN: {arn}'")
    return target.alias


def update_state_machine_alias(alias: StateMachineAlias, *, description: str | None = None,
                               routing: list[dict] | None = None) -> StateMachineAlias:
    if description is None and routing is None:
        raise errors.ValidationException("Either the description or the routing configuration must be specified")
    if alias.state_machine.status == StateMachine.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{alias.state_machine.arn}'")
    if routing is not None:
        machine, alias.routing = _routing(routing)
        if machine.pk != alias.state_machine_id:
            raise errors.ValidationException("Routing configuration must contain versions of the alias's "
                                             f"state machine: '{alias.state_machine.arn}'")
    if description is not None:
        alias.description = description
    alias.save(update_fields=["routing", "description", "updated_at"])
    return alias


def route_alias(alias: StateMachineAlias) -> StateMachineVersion:
    """The version an execution started through the alias runs, chosen at random by the routing weights."""
    roll, passed = random.uniform(0, 100), 0
    chosen = alias.routing[-1]["version"]
    for route in alias.routing:
        passed += route["weight"]
        if route["weight"] and roll < passed:
            chosen = route["version"]
            break
    return alias.state_machine.versions.select_related("revision").get(number=chosen)


def tag_resource(arn: str, tags: Iterable[dict]) -> None:
    """Add or overwrite tags ({"key", "value"}) on the resource with this ARN (at most 50 in all)."""
    tags = {tag["key"]: tag.get("value", "") for tag in tags}
    if not tags:
        return
    with transaction.atomic():
        existing = set(Tag.objects.filter(resource_arn=arn).values_list("key", flat=True))
        if len(existing | tags.keys()) > MAX_TAGS:
            raise errors.TooManyTags(f"Too many tags: a resource has at most {MAX_TAGS} tags")
        for key, value in tags.items():
            Tag.objects.update_or_create(resource_arn=arn, key=key, defaults={"value": value})


def untag_resource(arn: str, keys: Iterable[str] | None = None) -> None:
    """Remove these tags (all tags with None) from a resource."""
    tags = Tag.objects.filter(resource_arn=arn)
    (tags if keys is None else tags.filter(key__in=list(keys))).delete()


def resource_tags(arn: str) -> list[dict]:
    return [{"key": key, "value": value}
            for key, value in Tag.objects.filter(resource_arn=arn).order_by("id").values_list("key", "value")]

