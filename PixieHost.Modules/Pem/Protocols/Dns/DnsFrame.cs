namespace PixieHost.Modules.Pem.Protocols.Dns;

/// <summary>The message <see cref="DnsParser.TryParse"/> just parsed (reused per message).</summary>
public sealed class DnsMessage
{
    public ushort TxId { get; set; }

    public ushort Flags { get; set; }

    public bool IsResponse => (Flags & 0x8000) != 0;

    /// <summary>req_header / resp_header JSON.</summary>
    public DnsJson Header { get; } = new();

    /// <summary>req_body / resp_body JSON.</summary>
    public DnsJson Body { get; } = new();
}

/// <summary>A query waiting for the response with its transaction id.</summary>
public sealed class DnsRequest
{
    public required ushort TxId { get; init; }

    public required byte[] Header { get; init; }

    public required byte[] Body { get; init; }

    /// <summary>CLOCK_MONOTONIC time of the event holding the query.</summary>
    public ulong TimestampNs { get; init; }
}
