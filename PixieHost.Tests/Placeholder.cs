namespace PixieHost.Tests; internal static class Placeholder { }
