using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Tests.Generation;

/// <summary>Shared pieces of the real-space generation tests.</summary>
internal static class RealSpaceTestCases
{
    /// <summary>A small free field: d = 2, L = 4, mu2 = 0.5 (chi = 2, C from 2 down to 1/8.5).</summary>
    public static GaussianField Field(int length = 4, double massSquared = 0.5) => GaussianField.FreeField(new Lattice(2, length), massSquared);

    /// <summary>
    /// The exact per-mode variance of a real-space scheme for the linear score s~ = m(k, t) y~ (<paramref name="score"/>),
    /// computed by the scheme's recursion v &lt;- gain^2 v + noise from v = b(T)^2, written here independently of the sampler.
    /// </summary>
    public static double[] ExactVariance(GenerationSettings settings, ForwardProcess process, ScoreSchedule score)
    {
        int v = score.ModeCount;
        var variance = new double[v];
        Array.Fill(variance, process.NoiseVariance(settings.FinalTime));
        var start = new Complex[v];
        var end = new Complex[v];
        for (int step = 0; step < settings.Steps; step++)
        {
            double t = settings.TimeAt(step), h = settings.StepSizeAt(step), t1 = t - h;
            double f = process.Drift(t), g2 = process.DiffusionSquared(t);
            score.Multiplier(t, start);
            score.Multiplier(t1, end);
            for (int k = 0; k < v; k++)
            {
                double m0 = start[k].Real, m1 = end[k].Real;
                (double gain, double noise) = settings.Sampler.Name switch
                {
                    "sde-em" => (1 + h * (-f + g2 * m0), g2 * h),
                    // VE (f = 0): the limits of (e^{-f h} - 1)/(-f) and (e^{-2 f h} - 1)/(-2 f) are h: Euler-Maruyama.
                    "sde-exp" when f == 0 => (1 + h * g2 * m0, g2 * h),
                    "sde-exp" => (Math.Exp(-f * h) + g2 * m0 * (Math.Exp(-f * h) - 1) / -f,
                        g2 * (Math.Exp(-2 * f * h) - 1) / (-2 * f)),
                    "ode-heun" => Heun(process, t, h, m0, m1),
                    _ => (1 + h * (-f + g2 * m0), g2 * h),
                };
                variance[k] = gain * gain * variance[k] + noise;
                if (settings.Sampler.Corrector is LangevinCorrector corrector)
                {
                    double eps = 2 * corrector.SignalToNoise * corrector.SignalToNoise * process.NoiseVariance(t1);
                    variance[k] = (1 + eps * m1) * (1 + eps * m1) * variance[k] + 2 * eps;
                }
            }
        }
        return variance;
    }

    /// <summary>The registry's sampler of that name; pc with a corrector of signal-to-noise ratio <paramref name="snr"/>.</summary>
    public static Sampler Sampler(string name, double snr = LangevinCorrector.DefaultSignalToNoise) =>
        name == "pc" ? Samplers.PredictorCorrector with { Corrector = new LangevinCorrector(snr) } : Samplers.Parse(name);

    private static (double, double) Heun(ForwardProcess process, double t, double h, double m0, double m1)
    {
        double c0 = -process.Drift(t) + 0.5 * process.DiffusionSquared(t) * m0;
        double c1 = -process.Drift(t - h) + 0.5 * process.DiffusionSquared(t - h) * m1;
        return (1 + 0.5 * h * (c0 + c1 * (1 + h * c0)), 0);
    }

    /// <summary>Per mode, the mean of |y~_a(k)|^2 over samples and components with its standard error.</summary>
    public static Stats[] MeasuredVariance(Lattice lattice, int components, double[] samples, int count)
    {
        int v = lattice.SiteCount;
        var fourier = new FourierTransform(lattice);
        var power = new double[v][];
        for (int k = 0; k < v; k++) power[k] = new double[count * components];
        var spectrum = new Complex[v];
        for (int f = 0; f < count * components; f++)
        {
            fourier.ForwardReal(samples.AsSpan(f * v, v), spectrum);
            for (int k = 0; k < v; k++) power[k][f] = spectrum[k].Real * spectrum[k].Real + spectrum[k].Imaginary * spectrum[k].Imaginary;
        }
        return power.Select(p => Stats.FromSamples(p)).ToArray();
    }

    /// <summary>
    /// log N(x; 0, Sigma) of one n-component configuration for a Fourier-diagonal covariance with per-mode variance
    /// v(k): sum over components and all V modes of -|x~(k)|^2/(2 v) - ln(2 pi v)/2 (the unitary DFT is orthogonal on real
    /// fields once a pair (k, -k) is written as sqrt 2 (Re, Im), each of variance v).
    /// </summary>
    public static double GaussianLogDensity(Lattice lattice, ReadOnlySpan<double> configuration, double[] variance)
    {
        int v = lattice.SiteCount;
        var fourier = new FourierTransform(lattice);
        var spectrum = new Complex[v];
        double log = 0;
        for (int a = 0; a < configuration.Length / v; a++)
        {
            fourier.ForwardReal(configuration.Slice(a * v, v), spectrum);
            for (int k = 0; k < v; k++)
                log += -(spectrum[k].Real * spectrum[k].Real + spectrum[k].Imaginary * spectrum[k].Imaginary) / (2 * variance[k])
                       - 0.5 * Math.Log(2 * Math.PI * variance[k]);
        }
        return log;
    }

    /// <summary>Convolution kernel K(y) = (1/V) sum_k m(k) cos(k.y) of a real even multiplier (naive sum).</summary>
    public static double[] Kernel(Lattice lattice, double[] multiplier)
    {
        int v = lattice.SiteCount;
        var kernel = new double[v];
        for (int y = 0; y < v; y++)
            for (int k = 0; k < v; k++)
            {
                double phase = 0;
                for (int mu = 0; mu < lattice.Dimension; mu++)
                    phase += lattice.Momentum(k, mu) * (y / lattice.Stride(mu) % lattice.Length);
                kernel[y] += multiplier[k] * Math.Cos(phase) / v;
            }
        return kernel;
    }
}

/// <summary>
/// A trivial linear score model for tests: a full-range convolution s_a(x) = sum_y K(y) x_a(x - y), the same kernel for
/// every component; one layer of V values. Its Jacobian diagonal is K(0).
/// </summary>
internal sealed class ConvolutionTestModel(Lattice lattice, int components) : ScoreModel(lattice, components, "test-convolution")
{
    private double[] _input = [];
    private int _count;

    public override IReadOnlyList<int> LayerLengths => [Lattice.SiteCount];

    public override bool IsLinear => true;

    public override void Initialize(NetworkParameters parameters, double maxVariance, ref RandomStream rng)
    {
        Array.Clear(parameters.Layers[0]);
        parameters.Layers[0][0] = -1 / maxVariance;
    }

    public override void Forward(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> score)
    {
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(score.Length, count, nameof(score));
        _input = x.ToArray();
        _count = count;
        Convolve(parameters.Layers[0], x, score);
    }

    public override void Backward(NetworkParameters parameters, ReadOnlySpan<double> upstream, NetworkParameters gradient)
    {
        // d s(x) / d K(y) = x(x - y): gradient(y) = sum over fields and x of upstream(x) input(x - y).
        int v = Lattice.SiteCount;
        var g = gradient.Layers[0];
        Array.Clear(g);
        for (int f = 0; f < _count * Components; f++)
            for (int x = 0; x < v; x++)
                for (int y = 0; y < v; y++) g[y] += upstream[f * v + x] * _input[f * v + Shift(x, y, minus: true)];
    }

    public override void JacobianDiagonal(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> diagonal)
    {
        CheckBatch(x.Length, count, nameof(x));
        CheckBatch(diagonal.Length, count, nameof(diagonal));
        diagonal.Fill(parameters.Layers[0][0]);
    }

    public override ScoreModel Replica() => new ConvolutionTestModel(Lattice, Components);

    private void Convolve(double[] kernel, ReadOnlySpan<double> x, Span<double> score)
    {
        int v = Lattice.SiteCount;
        for (int f = 0; f < x.Length / v; f++)
            for (int site = 0; site < v; site++)
            {
                double sum = 0;
                for (int y = 0; y < v; y++) sum += kernel[y] * x[f * v + Shift(site, y, minus: true)];
                score[f * v + site] = sum;
            }
    }

    /// <summary>The site x - y (or x + y) on the periodic lattice.</summary>
    private int Shift(int x, int y, bool minus)
    {
        int result = 0, l = Lattice.Length;
        for (int mu = 0; mu < Lattice.Dimension; mu++)
        {
            int stride = Lattice.Stride(mu);
            int a = x / stride % l, b = y / stride % l;
            result += ((minus ? a - b : a + b) % l + l) % l * stride;
        }
        return result;
    }
}
