namespace PixieHost.Modules.Pxl.Functions;

/// <summary>The script-library functions beyond the core operators: time, strings, SQL, PII, protocols, script links and the UDTFs.</summary>
public static class LibraryFunctions
{
    public static void Register(FunctionRegistry r)
    {
        IntrospectionUdtfs.Register(r);
        ScriptReference.Register(r);
        TimeFunctions.Register(r);
        ProtocolNames.Register(r);
        SqlNormalizer.Register(r);
        PiiRedactor.Register(r);
        PluckArray.Register(r);
        StringExtras.Register(r);
        UriFunctions.Register(r);
    }
}
