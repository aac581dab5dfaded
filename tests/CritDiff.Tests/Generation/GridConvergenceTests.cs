using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using Xunit.Abstractions;

namespace CritDiff.Tests.Generation;

/// <summary>
/// The exact Gaussian score on the log and Karras grids generates the exact law, with the error falling at the scheme's
/// order (docs/science.md sections 7 and 11). The reference is the continuous reverse process from the sampler's own start
/// y ~ N(0, b(T)^2): per mode the probability-flow ODE keeps v/S constant, so v(t_min) = S(t_min) b(T)^2 / S(T); for the
/// reverse SDE w = v - S obeys d ln w / dtau = 2 d ln S / dtau + 2 f, so v(t_min) = S(t_min) + w(T) (S(t_min)/S(T))^2
/// (a(T)/a(t_min))^2 with w(T) = -a(T)^2 C. Against it the KL per site is the discretisation error alone.
/// </summary>
public class GridConvergenceTests(ITestOutputHelper output)
{
    private static GaussianField Field() => GaussianField.AtCorrelationLengthOverSize(new CritDiff.Lattices.Lattice(2, 6), 0.25);

    private static ForwardProcess Process(string name, GaussianField field) => name == "vp"
        ? new VariancePreserving()
        : new GeometricVarianceExploding(NoiseRange.FromSpectrum(field.SpectrumTable()).SigmaMin, NoiseRange.FromSpectrum(field.SpectrumTable()).SigmaMax);

    /// <summary>KL per site of the exact-score generated law against the continuous process's law at t_min.</summary>
    internal static double Kl(GaussianField field, ForwardProcess process, string sampler, ReverseGrid grid, int steps, double finalTime, double minTime)
    {
        var settings = new GenerationSettings(Samplers.Parse(sampler), steps, finalTime, minTime, process, grid);
        var law = new GeneratedLaw(field.Lattice, new ReverseProcess(field.Lattice, process, ScoreSchedule.Exact(field, process), settings).GeneratedVariance());
        return law.KlPerSite(Continuous(field, process, Samplers.Parse(sampler).CarriesLogDensity, finalTime, minTime));
    }

    internal static double[] Continuous(GaussianField field, ForwardProcess process, bool ode, double finalTime, double minTime)
    {
        var c = field.SpectrumTable();
        double aT = process.SignalScale(finalTime), a0 = process.SignalScale(minTime), bT2 = process.NoiseVariance(finalTime);
        return c.Select(ck =>
        {
            double sT = process.NoisedSpectrum(ck, finalTime), s0 = process.NoisedSpectrum(ck, minTime);
            return ode ? s0 * bT2 / sT : s0 - aT * aT * ck * (s0 / sT) * (s0 / sT) * (aT / a0) * (aT / a0);
        }).ToArray();
    }

    /// <summary>log2 of KL(K)/KL(2K) and KL(2K)/KL(4K): the order in K of the KL.</summary>
    private static (double First, double Second) Slopes(string schedule, string sampler, string gridName, int k)
    {
        var field = Field();
        var process = Process(schedule, field);
        double finalTime = process.AutoFinalTime(field.Susceptibility, 1e-3);
        var grid = ReverseGrid.Parse(gridName);
        double[] kl = [.. new[] { k, 2 * k, 4 * k }.Select(steps => Kl(field, process, sampler, grid, steps, finalTime, 0.01))];
        return (Math.Log2(kl[0] / kl[1]), Math.Log2(kl[1] / kl[2]));
    }

    [Theory]
    [InlineData("ve", "log")]
    [InlineData("ve", "karras")]
    [InlineData("vp", "log")]
    [InlineData("vp", "karras")]
    public void HeunKlFallsLikeKToTheMinusFour(string schedule, string grid)
    {
        // Heun is second order in h, so r - 1 ~ K^-2 and KL ~ (r - 1)^2 ~ K^-4: measured log2 ratios 3.9-4.1 between
        // K = 32, 64 and 128 (L = 6, xi/L = 0.25, t_min = 0.01; ve-geometric with the data's default range, T = 1; VP auto T).
        var (first, second) = Slopes(schedule, "ode-heun", grid, 32);
        output.WriteLine($"{schedule} {grid}: {first:F3} {second:F3}");
        Assert.InRange(first, 3.7, 4.3);
        Assert.InRange(second, 3.7, 4.3);
    }

    [Theory]
    [InlineData("vp", "log", 64)]
    [InlineData("vp", "karras", 64)]
    [InlineData("ve", "karras", 512)]
    public void EulerMaruyamaKlFallsLikeKToTheMinusTwo(string schedule, string grid, int k)
    {
        // Euler-Maruyama is first order: KL ~ K^-2, measured log2 ratios 1.99-2.01 (VP, K = 64..256). Under ve-geometric the
        // first-order term is small (errors made where noise dominates contract away), so KL falls faster at first and
        // reaches K^-2 only late: on the Karras grid log2 ratios 1.9-1.95 between K = 512, 1024 and 2048.
        var (first, second) = Slopes(schedule, "sde-em", grid, k);
        output.WriteLine($"{schedule} {grid}: {first:F3} {second:F3}");
        Assert.InRange(first, 1.75, 2.25);
        Assert.InRange(second, 1.75, 2.25);
    }

    [Theory]
    [InlineData("ve", "sde-em", "log")]
    [InlineData("ve", "sde-em", "karras")]
    [InlineData("ve", "ode-heun", "log")]
    [InlineData("ve", "ode-heun", "karras")]
    [InlineData("vp", "sde-em", "log")]
    [InlineData("vp", "ode-heun", "karras")]
    public void ExactScoreGeneratesTheExactLawAtLargeK(string schedule, string sampler, string gridName)
    {
        // At K = 1024 the KL per site against the continuous law is below 3e-6 (measured: 1.5e-10 .. 2.3e-6) and at most a
        // sixteenth of that at K = 64; against the true law at t_min, S(k, t_min), the start N(0, b(T)^2) instead of
        // N(0, S(T)) adds a floor (ve-geometric: sigma_max^2 >= chi V, about 1e-5 per site for the ODE; VP: 1e-8), so
        // that KL is below 2e-5.
        var field = Field();
        var process = Process(schedule, field);
        double finalTime = process.AutoFinalTime(field.Susceptibility, 1e-3);
        var grid = ReverseGrid.Parse(gridName);
        double coarse = Kl(field, process, sampler, grid, 64, finalTime, 0.01), fine = Kl(field, process, sampler, grid, 1024, finalTime, 0.01);
        Assert.InRange(fine, 0, 3e-6);
        Assert.InRange(fine, 0, coarse / 16);
        var settings = new GenerationSettings(Samplers.Parse(sampler), 1024, finalTime, 0.01, process, grid);
        var law = new GeneratedLaw(field.Lattice, new ReverseProcess(field.Lattice, process, ScoreSchedule.Exact(field, process), settings).GeneratedVariance());
        Assert.InRange(law.KlPerSite(process.NoisedSpectrumTable(field.SpectrumTable(), 0.01)), 0, 2e-5);
    }
}

public class GridRealSpaceTests
{
    [Theory]
    [InlineData("sde-em", "log")]
    [InlineData("ode-heun", "karras")]
    public void RealSpaceSamplesOnTheGridMatchThePerModeLaw(string scheme, string grid)
    {
        // ve-geometric (the free field's default range) on a coarse non-uniform grid, K = 12, so the law is visibly off
        // S(k, t_min): real-space samples of the exact Gaussian score (L = 4, n = 2, 2000 samples) against ReverseProcess's
        // exact per-mode variance on the same grid, every mode within 4 standard errors.
        var field = RealSpaceTestCases.Field();
        var range = NoiseRange.FromSpectrum(field.SpectrumTable());
        var process = new GeometricVarianceExploding(range.SigmaMin, range.SigmaMax);
        var settings = new GenerationSettings(Samplers.Parse(scheme), 12, 1, 0.01, process, ReverseGrid.Parse(grid));
        var exact = new ReverseProcess(field.Lattice, process, ScoreSchedule.Exact(field, process), settings).GeneratedVariance();
        var score = TimeScore.ExactGaussian(field.Lattice, 2, field.SpectrumTable(), process);
        const int count = 2000;
        var generated = RealSpaceSampler.Generate(score, process, settings, count, 17);
        var measured = RealSpaceTestCases.MeasuredVariance(field.Lattice, 2, generated.Samples, count);
        var target = process.NoisedSpectrumTable(field.SpectrumTable(), 0.01);
        Assert.True(Enumerable.Range(0, exact.Length).Max(k => Math.Abs(exact[k] / target[k] - 1)) > 0.02, "the grid is too fine to tell the laws apart");
        for (int k = 0; k < exact.Length; k++)
            Assert.InRange(Math.Abs(measured[k].StandardScore(exact[k])), 0, Tolerances.StandardErrors);
    }
}
