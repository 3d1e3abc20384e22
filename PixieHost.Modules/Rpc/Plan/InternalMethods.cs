using PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.Rpc.Plan;

/// <summary>
/// The vizier's internal query methods. Results stream back as <see cref="ExecuteScriptResponse"/> messages, the
/// public API's own shape, so one fast encoder and decoder serve every hop.
/// </summary>
public static class InternalMethods
{
    public const string PemService = "px.internal.PemService";

    public const string KelvinService = "px.internal.KelvinService";

    /// <summary>Kelvin → pem: run one node fragment over the pem's table store.</summary>
    public static readonly RpcMethod<ExecuteFragmentRequest, ExecuteScriptResponse> ExecuteFragment =
        new(RpcMethodType.ServerStreaming, PemService, "ExecuteFragment", ExecuteFragmentRequest.Parser, ExecuteScriptResponse.Parser);

    /// <summary>Query broker → kelvin: run a split plan over the given pems and stream the result tables.</summary>
    public static readonly RpcMethod<ExecuteQueryRequest, ExecuteScriptResponse> ExecuteQuery =
        new(RpcMethodType.ServerStreaming, KelvinService, "ExecuteQuery", ExecuteQueryRequest.Parser, ExecuteScriptResponse.Parser);
}
