namespace PixieHost.Modules.Rpc.VizierApi;

/// <summary>The methods of Pixie's <c>px.api.vizierpb.VizierService</c>, shared by the server mapping and clients.</summary>
#if PIXIE_CLIENT_SDK
internal static class VizierServiceMethods
#else
public static class VizierServiceMethods
#endif
{
    public const string ServiceName = "px.api.vizierpb.VizierService";

    public static readonly RpcMethod<ExecuteScriptRequest, ExecuteScriptResponse> ExecuteScript =
        new(RpcMethodType.ServerStreaming, ServiceName, "ExecuteScript", ExecuteScriptRequest.Parser, ExecuteScriptResponse.Parser);

    public static readonly RpcMethod<HealthCheckRequest, HealthCheckResponse> HealthCheck =
        new(RpcMethodType.ServerStreaming, ServiceName, "HealthCheck", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    public static readonly RpcMethod<GenerateOTelScriptRequest, GenerateOTelScriptResponse> GenerateOTelScript =
        new(RpcMethodType.Unary, ServiceName, "GenerateOTelScript", GenerateOTelScriptRequest.Parser, GenerateOTelScriptResponse.Parser);
}
