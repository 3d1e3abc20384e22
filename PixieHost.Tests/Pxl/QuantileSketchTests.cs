using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl.Functions;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class QuantileSketchTests
{
    [TestCase(0.01)]
    [TestCase(0.5)]
    [TestCase(0.9)]
    [TestCase(0.99)]
    public void Quantile_LogNormalLatencies_WithinOnePercentOfExact(double q)
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(12 + (2 * rng.NextDouble()))).ToList();
        var sketch = new QuantileSketch();
        values.ForEach(sketch.Add);

        var exact = values.Order().ElementAt((int)Math.Floor(q * (values.Count - 1)));
        sketch.Quantile(q).Should().BeApproximately(exact, exact * 0.011);
    }

    [Test]
    public void Merge_SerializedHalves_EqualsOneSketch()
    {
        var rng = new Random(5);
        var values = Enumerable.Range(0, 5_000).Select(_ => (double)rng.Next(-1000, 100_000)).ToList();
        var whole = new QuantileSketch();
        var a = new QuantileSketch();
        var b = new QuantileSketch();
        for (var i = 0; i < values.Count; i++)
        {
            whole.Add(values[i]);
            (i % 2 == 0 ? a : b).Add(values[i]);
        }

        var merged = new QuantileSketch();
        merged.Merge(a.Serialize());
        merged.Merge(b.Serialize());

        merged.Count.Should().Be(whole.Count);
        foreach (var q in new[] { 0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0 })
        {
            merged.Quantile(q).Should().Be(whole.Quantile(q));
        }
    }

    [Test]
    public void Quantile_Empty_IsZero()
    {
        new QuantileSketch().Quantile(0.5).Should().Be(0);
    }
}
