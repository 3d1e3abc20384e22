using Microsoft.Extensions.Options;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>Checks the durations of <see cref="SocketTracerOptions"/>; the ranges are checked by data annotations.</summary>
public sealed class SocketTracerOptionsValidator : IValidateOptions<SocketTracerOptions>
{
    public ValidateOptionsResult Validate(string? name, SocketTracerOptions o)
    {
        var errors = new List<string>();
        Positive(errors, o.MessageExpiry, nameof(o.MessageExpiry));
        Positive(errors, o.InactivityTimeout, nameof(o.InactivityTimeout));
        Positive(errors, o.ClosedLinger, nameof(o.ClosedLinger));
        Positive(errors, o.ClockRefreshInterval, nameof(o.ClockRefreshInterval));
        Positive(errors, o.ProcessCacheTtl, nameof(o.ProcessCacheTtl));
        Positive(errors, o.PushInterval, nameof(o.PushInterval));
        Positive(errors, o.ConnStatsInterval, nameof(o.ConnStatsInterval));
        if (o.MaxBodyBytes > o.MaxStringBytes)
        {
            errors.Add($"{SocketTracerOptions.Section}:MaxBodyBytes ({o.MaxBodyBytes}) exceeds MaxStringBytes ({o.MaxStringBytes}). Lower MaxBodyBytes or raise MaxStringBytes.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, TimeSpan value, string setting)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{SocketTracerOptions.Section}:{setting} is {value}; it must be positive. Set it to a duration such as \"00:00:10\".");
        }
    }
}
