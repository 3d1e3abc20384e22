namespace PixieHost.Client;

/// <summary>
/// A query that failed: the server could not be reached, refused the call, or reported an error for the script.
/// <see cref="Status"/> is the gRPC status code (from the transport, or the in-band status of the response stream).
/// </summary>
public class PixieException : Exception
{
    /// <summary>A failure with <paramref name="status"/> and a message a user can act on.</summary>
    public PixieException(StatusCode status, string message, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
    }

    /// <summary>The gRPC status code of the failure, e.g. <see cref="StatusCode.Unavailable"/> for an unreachable server.</summary>
    public StatusCode Status { get; }
}

/// <summary>
/// The script did not compile: the server answered with INVALID_ARGUMENT and a compiler error. <see cref="Line"/> and
/// <see cref="Column"/> are 1-based positions in the script text; <see cref="Exception.Message"/> reads
/// <c>line L, col C: message</c>.
/// </summary>
public sealed class PxlScriptException : PixieException
{
    /// <summary>A compile error at <paramref name="line"/>, <paramref name="column"/>; <paramref name="sourceLine"/> is that line of the script, when known.</summary>
    public PxlScriptException(int line, int column, string compilerMessage, string? sourceLine = null)
        : base(StatusCode.InvalidArgument, $"line {line}, col {column}: {compilerMessage}")
    {
        Line = line;
        Column = column;
        CompilerMessage = compilerMessage;
        SourceLine = sourceLine;
    }

    /// <summary>1-based line of the error in the script.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error in <see cref="SourceLine"/>.</summary>
    public int Column { get; }

    /// <summary>The compiler's message alone, without the position.</summary>
    public string CompilerMessage { get; }

    /// <summary>The script's text at <see cref="Line"/>, or null when the line is outside the script.</summary>
    public string? SourceLine { get; }

    /// <summary>The message, the source line and a caret under the column, as a terminal shows it.</summary>
    public string Render() =>
        SourceLine is null || Column < 1
            ? Message
            : $"{Message}\n  {SourceLine}\n  {new string(' ', Column - 1)}^";
}
