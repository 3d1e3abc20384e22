// QuerySample: the recent HTTP requests a running pixie traced, through the PixieHost.Client SDK.
//   dotnet run --project PixieHost.Client/samples/QuerySample -- [address] [start_time]
// address defaults to 127.0.0.1:50300 (`pixie serve`), start_time to -5m.
using PixieHost.Client;

const string Script = """
import px

def http_data(start_time: str, limit: int):
    df = px.DataFrame(table='http_events', start_time=start_time)
    df.latency_ms = df.latency / 1000000.0
    df = df[['time_', 'req_method', 'req_path', 'resp_status', 'latency_ms']]
    return df.head(limit)
""";

var address = args.Length > 0 ? args[0] : "127.0.0.1:50300";
var startTime = args.Length > 1 ? args[1] : "-5m";
using var client = new PixieClient(address, new PixieClientOptions { Timeout = TimeSpan.FromSeconds(30) });
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    if (!await client.HealthCheckAsync(cancel.Token))
    {
        Console.Error.WriteLine($"{client.Address} answers but reports itself unhealthy.");
        return 1;
    }

    // The function call form: http_data(start_time, limit) runs with these arguments, its output named 'http'.
    var request = new ScriptRequest(Script)
    {
        Functions = [new FunctionCall("http_data", new Dictionary<string, string> { ["start_time"] = startTime, ["limit"] = "20" }, "http")],
    };
    var rows = 0;
    await foreach (var row in client.StreamRowsAsync(request, "http", cancel.Token))
    {
        Console.WriteLine($"{row.GetTime("time_"):O}  {row.GetString("req_method"),-6} {row.GetInt64("resp_status")}  {row.GetDouble("latency_ms"),10:F3} ms  {row.GetString("req_path")}");
        rows++;
    }

    Console.WriteLine($"{rows} rows from {client.Address}");
    return 0;
}
catch (PxlScriptException e)
{
    Console.Error.WriteLine($"Script error: {e.Render()}");
    return 1;
}
catch (PixieException e)
{
    Console.Error.WriteLine($"Query failed ({e.Status}): {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
