namespace PixieHost.Modules.Kubernetes;

/// <summary>How an <see cref="Informer{T}"/> lists and watches.</summary>
public sealed class InformerOptions
{
    /// <summary>Restricts the objects, e.g. "spec.nodeName=node-1"; null for all.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>Objects per list page (<c>limit</c>). Default 500, as client-go.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>The server ends each watch after a random time between this and twice this, in seconds. Default 300.</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>A full relist every this many seconds even when watches work; 0 never. Default 0.</summary>
    public int ResyncSeconds { get; init; }

    /// <summary>The first pause after a failed list or watch; doubled (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
