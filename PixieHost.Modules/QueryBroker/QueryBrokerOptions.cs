using Microsoft.Extensions.Options;

namespace PixieHost.Modules.QueryBroker;

/// <summary>How the query broker runs scripts (configuration section <c>QueryBroker</c>; the API listener is <c>QueryBroker:Api</c>).</summary>
public sealed class QueryBrokerOptions
{
    public const string Section = "QueryBroker";

    /// <summary>
    /// Longest a query may run, compile to last row. Default 60 s. A pem slower than this is dropped from the result
    /// with a warning (it gets 90 % of the time left); the query itself fails with DEADLINE_EXCEEDED only when the
    /// kelvin cannot finish in time.
    /// </summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Rejects a non-positive timeout at start, naming the setting.</summary>
public sealed class QueryBrokerOptionsValidator : IValidateOptions<QueryBrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, QueryBrokerOptions options) =>
        options.QueryTimeout > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{QueryBrokerOptions.Section}:{nameof(options.QueryTimeout)} must be positive (it is {options.QueryTimeout}); e.g. 00:01:00.");
}
