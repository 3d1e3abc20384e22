using PixieHost.Modules.Rpc;

namespace PixieHost.Modules.QueryBroker;

/// <summary>Settings of the public query API, Pixie's <c>px.api.vizierpb.VizierService</c> (section <c>QueryBroker:Api</c>).</summary>
public sealed class VizierApiOptions
{
    public const string Section = "QueryBroker:Api";

    /// <summary>
    /// Address the API listens on with cleartext HTTP/2 (gRPC), <c>ip:port</c>. Default <c>127.0.0.1:50300</c>,
    /// Pixie's query broker port; set <c>0.0.0.0:50300</c> to accept remote clients.
    /// </summary>
    public string Address { get; set; } = RpcKestrelExtensions.DefaultQueryApiAddress;

    /// <summary>Most rows in one <c>RowBatchData</c> message. Default 1024.</summary>
    public int MaxRowsPerBatch { get; set; } = 1024;

    /// <summary>
    /// Target payload of one <c>RowBatchData</c> message in bytes, estimated from the batch's average row size, so that
    /// wide rows (HTTP bodies) stay well under the clients' 4 MiB message limit. Default 1 MiB.
    /// </summary>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>Interval between the OK statuses that <c>HealthCheck</c> streams until the client hangs up. Default 5 s.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Checks <see cref="VizierApiOptions"/> at start-up.</summary>
public sealed class VizierApiOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<VizierApiOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, VizierApiOptions options)
    {
        var errors = new List<string>();
        try
        {
            RpcKestrelExtensions.ParseEndpoint(options.Address);
        }
        catch (FormatException e)
        {
            errors.Add($"{Section}:{nameof(options.Address)}: {e.Message}");
        }

        if (options.MaxRowsPerBatch < 1)
        {
            errors.Add($"{Section}:{nameof(options.MaxRowsPerBatch)} must be at least 1 (it is {options.MaxRowsPerBatch}).");
        }

        if (options.MaxBatchBytes < 1024)
        {
            errors.Add($"{Section}:{nameof(options.MaxBatchBytes)} must be at least 1024 (it is {options.MaxBatchBytes}).");
        }

        return errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }

    private const string Section = VizierApiOptions.Section;
}
