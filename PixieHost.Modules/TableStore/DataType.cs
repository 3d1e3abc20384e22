namespace PixieHost.Modules.TableStore;

/// <summary>Pixie's column data types; numbers match <c>px.api.vizierpb.DataType</c>.</summary>
public enum DataType
{
    Unknown = 0,
    Boolean = 1,
    Int64 = 2,
    UInt128 = 3,
    Float64 = 4,
    String = 5,
    Time64NS = 6,
}

/// <summary>Pixie's semantic types; numbers match <c>px.api.vizierpb.SemanticType</c>.</summary>
public enum SemanticType
{
    Unspecified = 0,
    None = 1,
    TimeNs = 2,
    AgentUid = 100,
    Asid = 101,
    Upid = 200,
    ServiceName = 300,
    PodName = 400,
    PodPhase = 401,
    PodStatus = 402,
    NodeName = 500,
    ContainerName = 600,
    ContainerState = 601,
    ContainerStatus = 602,
    NamespaceName = 700,
    Bytes = 800,
    Percent = 900,
    DurationNs = 901,
    ThroughputPerNs = 902,
    ThroughputBytesPerNs = 903,
    Quantiles = 1000,
    DurationNsQuantiles = 1001,
    IpAddress = 1100,
    Port = 1200,
    HttpReqMethod = 1300,
    HttpRespStatus = 1400,
    HttpRespMessage = 1500,
    ScriptReference = 3000,
}
