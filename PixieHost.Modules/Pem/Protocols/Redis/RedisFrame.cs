namespace PixieHost.Modules.Pem.Protocols.Redis;

/// <summary>A parsed command waiting for its reply: req_cmd and req_args already rendered.</summary>
public sealed class RedisRequest
{
    public required byte[] Command { get; init; }

    public required byte[] Args { get; init; }

    /// <summary>Length of the full req_args rendering (more than <see cref="Args"/> holds when it was cut).</summary>
    public long ArgsFullLength { get; init; }

    /// <summary>CLOCK_MONOTONIC time of the event holding the command's first byte.</summary>
    public ulong TimestampNs { get; init; }

    /// <summary>Replies still expected after the first (SUBSCRIBE a b c gets one per channel).</summary>
    public int ExtraReplies { get; set; }

    /// <summary>The first reply was paired; the rest of <see cref="ExtraReplies"/> are absorbed.</summary>
    public bool Answered { get; set; }
}
