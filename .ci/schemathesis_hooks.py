"""Hooks of the contract run (`.ci/contract`, loaded through SCHEMATHESIS_HOOKS).

The run has one admin token. Any change of that admin (a new password, a role, a deactivation)
ends its tokens by design, after which every operation would only be answered 401 and go
untested. So the admin itself is never the target: a call that names its id in the path names a
made-up id instead (and is answered 404, which the document allows). Other users are changed as
schemathesis likes."""
import os
import uuid

import schemathesis

ADMIN_ID = os.environ["CRM_CONTRACT_ADMIN_ID"]


@schemathesis.hook
def before_call(context, case, kwargs):
    parameters = case.path_parameters or {}
    if ADMIN_ID in parameters.values():
        case.path_parameters = {
            name: (str(uuid.uuid4()) if value == ADMIN_ID else value) for name, value in parameters.items()
        }
