//! [`LambdaInvoker`] for the local Lambda service: what the CLI
//! wires into [`Integrations`](super::Integrations).

use super::lambda::{LambdaApiError, LambdaInvocation, LambdaInvoker};
use futures::future::BoxFuture;
use localcloud_lambda::{InvocationType, LambdaService};

impl LambdaInvoker for LambdaService {
    fn invoke<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        payload: Vec<u8>,
        invocation_type: &'a str,
    ) -> BoxFuture<'a, Result<LambdaInvocation, LambdaApiError>> {
        Box::pin(async move {
            let kind = match invocation_type {
                "Event" => InvocationType::Event,
                "DryRun" => InvocationType::DryRun,
                _ => InvocationType::RequestResponse,
            };
            let out = LambdaService::invoke(self, function, qualifier, payload.into(), kind)
                .await
                .map_err(|e| LambdaApiError {
                    code: e.code().to_string(),
                    message: e.to_string(),
                    status: e.status().as_u16(),
                })?;
            Ok(LambdaInvocation {
                status: out.status,
                payload: out.payload.to_vec(),
                function_error: out.function_error,
                error_type: out.error_type,
                executed_version: out.executed_version,
                request_id: out.request_id,
            })
        })
    }
}
