"""The AWS-compatible endpoint: Step Functions' JSON 1.0 protocol, so boto3, the AWS CLI and the AWS SDKs work
with `endpoint_url` pointed at Flowdeck.

One view (views.py) reads `X-Amz-Target: AWSStepFunctions.<Action>`, checks the JSON body against botocore's
service model (shapes.py), calls the action's handler (handlers/, one module per resource, registered in
dispatch.py) and turns domain errors into AWS's error documents in one place (protocol.py).
"""
