using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary><c>px.GetSchemas()</c> and the other table functions: calling one gives a DataFrame over its rows.</summary>
public static class UdtfCalls
{
    public static void AddTo(Interpreter it, IDictionary<string, PxlObject> attrs)
    {
        foreach (var f in it.Functions.TableFunctions)
        {
            attrs[f.Name] = new BuiltinValue(f.Name, a =>
            {
                a.CheckNoExtra(f.Name, 0);
                return new DataFrameValue(new LogicalUdtfSource(f, new UdtfContext(it.Catalog, it.Functions, it.Agents, it.NowNs)));
            });
        }
    }
}
