namespace PixieHost.Client;

/// <summary>
/// One script execution: the PxL text, its arguments, and optionally named functions to call (Pixie's
/// <c>exec_funcs</c>, what the UI sends for a vis.json's widgets).
/// </summary>
/// <param name="Script">The PxL source.</param>
public sealed record ScriptRequest(string Script)
{
    /// <summary>
    /// Script arguments by name (e.g. <c>start_time</c> = <c>-5m</c>), for a script's <c>px.vis</c> variables. With
    /// <see cref="Functions"/> each call carries its own arguments instead.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Args { get; init; }

    /// <summary>Functions of the script to call, each with its own arguments; their results are the output tables.</summary>
    public IReadOnlyList<FunctionCall> Functions { get; init; } = [];

    /// <summary>A library script name (e.g. <c>px/http_data</c>) the server may know the vis.json of; optional.</summary>
    public string? QueryName { get; init; }

    /// <summary>The query id to use (the server makes one up when null).</summary>
    public string? QueryId { get; init; }
}

/// <summary>A call of a function defined in the script, as one <c>exec_funcs</c> entry.</summary>
/// <param name="Name">The function's name in the script.</param>
/// <param name="Args">Its arguments by parameter name, as strings (the server converts them to the declared types).</param>
/// <param name="OutputPrefix">The name of the output table (Pixie's <c>output_table_prefix</c>); the function's name when null.</param>
public sealed record FunctionCall(string Name, IReadOnlyDictionary<string, string> Args, string? OutputPrefix = null);
