using System.Diagnostics;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using Xunit.Abstractions;

namespace CritDiff.Tests.Scratch;

public class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var probe = Environment.GetEnvironmentVariable("PROBE") ?? "";
        if (probe.Contains("u16"))
        {
            double betaC = LiteratureCriticalPoints.Of(2, 1)!.BetaUnit;
            foreach (int sweeps in new[] { 2000, 10000 })
            {
                var sw = Stopwatch.StartNew();
                var r = ModelMcmc.Run(SpinModel.AtBetaUnit(new Lattice(2, 16), 1, betaC), "wolff", new ModelMcmcSettings(sweeps, 200, Chains: 2, Seed: 1, SpectrumInterval: 0));
                output.WriteLine($"L16 sweeps {sweeps}: U {r.Estimates.Binder} tau {r.TauMagnetisationSquared.Mean:G3}/{r.TauEnergy.Mean:G3} E {r.Estimates.Energy} wall {sw.Elapsed.TotalSeconds:F2}");
            }
        }
        if (probe.Contains("cmp"))
        {
            double betaC = LiteratureCriticalPoints.Of(2, 1)!.BetaUnit;
            var ex = CritDiff.Tests.Fields.IsingEnumeration.Moments(4, betaC);
            output.WriteLine($"exact L4: E {ex.Energy} U {1 - ex.M4 / (3 * ex.M2 * ex.M2)}");
            foreach (int l in new[] { 4, 16 })
            {
                var model = SpinModel.AtBetaUnit(new Lattice(2, l), 1, betaC);
                foreach (var algo in new[] { "wolff", "metropolis", "test", "w1", "w3" })
                {
                    var k = algo == "test" ? (ModelKernel)new CritDiff.Tests.MonteCarlo.TestKernels.IsingMetropolis(model) : algo.StartsWith('w') && algo.Length == 2 ? new CritDiff.Tests.MonteCarlo.TestKernels.IsingWolff(model, algo[1] - '0') : ModelKernels.Create(algo, model);
                    var r = ModelMcmc.Run(k, new ModelMcmcSettings(l == 4 ? 40000 : 20000, 1000, Chains: 2, Seed: 1, SpectrumInterval: 0));
                    output.WriteLine($"L{l} {algo}: U {r.Estimates.Binder} E {r.Estimates.Energy} tau {r.TauMax:G3}");
                }
            }
        }
        if (probe.Contains("cross2"))
        {
            var dir = Directory.CreateTempSubdirectory().FullName;
            var sw = Stopwatch.StartNew();
            var spec = new CriticalPointSpec { Family = "on", Components = 1, Dimension = 2, Sizes = [8, 16], Lower = 0.42, Upper = 0.46, Points = 7, Sweeps = 4000, Thermalization = 200 };
            var r = CriticalPointFinder.Run(spec, dir);
            foreach (var c in r.Crossings) output.WriteLine($"{c.SmallerSize}-{c.LargerSize}: {c.Coupling} U* {c.BinderAtCrossing} failed {c.FailedResamples} {c.Warning}");
            output.WriteLine($"combined {r.Coupling} wall {sw.Elapsed.TotalSeconds:F2} jobsec {r.JobSeconds:F2}");
            foreach (var w in r.Warnings) output.WriteLine(w);
        }
        if (probe.Contains("cross3"))
        {
            foreach (int n in new[] { 1, 2, 3 })
            {
                var dir = Directory.CreateTempSubdirectory().FullName;
                var sw = Stopwatch.StartNew();
                double bc = LiteratureCriticalPoints.Of(3, n)!.BetaUnit;
                var spec = new CriticalPointSpec { Family = "on", Components = n, Dimension = 3, Sizes = [4, 8], Lower = bc * 0.95, Upper = bc * 1.05, Points = 7, Sweeps = int.Parse(Environment.GetEnvironmentVariable("SWEEPS") ?? "2000"), Thermalization = 200, Refinements = 1 };
                var r = CriticalPointFinder.Run(spec, dir);
                foreach (var st in r.Stages) foreach (var c in st.Crossings) output.WriteLine($"n={n} stage {st.Stage} [{st.Lower:G5},{st.Upper:G5}] {c.SmallerSize}-{c.LargerSize}: {c.Coupling} U* {c.BinderAtCrossing} failed {c.FailedResamples} {c.Warning}");
                output.WriteLine($"n={n} lit {bc} combined {r.Coupling} dev/err {(r.Coupling.Mean - bc) / r.Coupling.Error:F2} wall {sw.Elapsed.TotalSeconds:F2} jobsec {r.JobSeconds:F2}");
            }
        }
    }
}
