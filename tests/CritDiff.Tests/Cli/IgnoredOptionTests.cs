namespace CritDiff.Tests.Cli;

/// <summary>
/// An option the user gave that the chosen mode or algorithm does not use is refused (exit 2, one line naming it and
/// why), never silently ignored (issue 24); the same option where it applies is accepted.
/// </summary>
public sealed class IgnoredOptionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-ignored-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string> Ignored => new()
    {
        // generate --train-budget reports exact KLs of trained laws: no samples, no file, no reweighting, its own score.
        { "generate --d 2 --L 4 --xi 1 --train-budget 1,2 --out OUT/g.npy", "--out does not apply with --train-budget" },
        { "generate --d 2 --L 4 --xi 1 --train-budget 1,2 --reweight", "--reweight does not apply with --train-budget" },
        { "generate --d 2 --L 4 --xi 1 --train-budget 1,2 --n 8", "--n does not apply with --train-budget" },
        { "generate --d 2 --L 4 --xi 1 --train-budget 1,2 --exact-score", "--exact-score does not apply with --train-budget" },
        // The continuous exact score has no slices to interpolate between.
        { "generate --exact-score --d 2 --L 4 --xi 1 --interp --n 0", "--interp applies only with --slices N" },
        { "generate --exact-score --d 2 --L 4 --xi 1 --sampler pc --n 0", "--sampler pc applies only with a --model trained with --mode samples" },
        // Population training uses the exact gradient: no minibatches.
        { "scaling --d 2 --L 6 --xi 1 --batch 8 --out OUT/s", "--batch applies only with --mode empirical" },
        { "stability --d 2 --L 6 --xi 1 --optimizer gd --batch 8 --out OUT/s.json", "--batch applies only with --mode empirical" },
        // Kernel options of other kernels.
        { "mcmc --d 2 --L 4 --xi 1 --algo heatbath --overrelax-sweeps 2", "--overrelax-sweeps applies only with --algo overrelax" },
        { "mcmc --d 2 --L 4 --xi 1 --algo heatbath --trajectory-length 2", "--trajectory-length applies only with --algo hmc or fa-hmc" },
        { "mcmc --d 2 --L 4 --xi 1 --algo heatbath --step 0.3", "--step applies only to kernels with a step size" },
        { "mcmc --d 2 --L 4 --xi 1 --algo mala --trajectory-length 2", "--trajectory-length applies only with --algo hmc or fa-hmc" },
        { "mcmc --model on --d 2 --L 4 --beta 0.3 --algo wolff --step 0.3", "--step applies only to kernels with a step size" },
        { "mcmc --model on --d 2 --L 4 --beta 0.3 --algo heatbath --overrelax-sweeps 2", "--overrelax-sweeps applies only with --algo overrelax" },
        { "mcmc --model phi4 --d 2 --L 4 --kappa 0.2 --lambda 1 --algo metropolis --trajectory-length 2", "--trajectory-length applies only with --algo hmc" },
        { "mcmc-scaling --d 2 --L 4,6 --xi 1 --algo heatbath,metropolis --trajectory-length 2", "--trajectory-length applies only with --algo hmc" },
        { "mcmc-scaling --d 2 --L 4,6 --xi 1 --algo heatbath --step 0.3", "--step applies only to kernels with a step size" },
        { "mcmc-scaling --model on --d 2 --L 4,6 --beta 0.3 --algo heatbath,wolff --overrelax-sweeps 2", "--overrelax-sweeps applies only with --algo overrelax" },
        { "ensemble --model on --d 2 --L 4 --beta 0.3 --algo wolff --step 0.3 --n-configs 2 --out OUT/e.npy", "--step applies only to kernels with a step size" },
        { "ensemble --model on --d 2 --L 4 --beta 0.3 --algo metropolis --trajectory-length 2 --n-configs 2 --out OUT/e.npy", "--trajectory-length applies only with --algo hmc" },
    };

    [Theory]
    [MemberData(nameof(Ignored))]
    public void OptionTheModeDoesNotUseIsRefused(string line, string expected) =>
        Assert.Contains("drop it", AssertRefused(line, expected));

    /// <summary>The Gaussian target of mcmc and mcmc-scaling took its field from the model options and ignored the finite-n ones.</summary>
    [Theory]
    [InlineData("mcmc --d 2 --L 4 --xi 1 --kappa 0.2", "--kappa applies to --model phi4, not to --model gaussian")]
    [InlineData("mcmc --d 2 --L 4 --xi 1 --n 3", "--n applies to --model on and phi4")]
    [InlineData("mcmc-scaling --d 2 --L 4,6 --xi 1 --beta-unit 0.5", "--beta-unit applies to --model on, not to --model gaussian")]
    public void FiniteNOptionOnTheGaussianTargetIsRefused(string line, string expected) => AssertRefused(line, expected);

    private string AssertRefused(string line, string expected)
    {
        var (code, output, error) = Cli.Run(line.Replace("OUT", _folder, StringComparison.Ordinal).Split(' '));
        Assert.True(code == 2, $"exit {code}: {error}");
        Assert.Equal("", output);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder)); // nothing written
        return lines[0];
    }

    [Theory]
    [InlineData("generate --exact-score --d 2 --L 4 --xi 1 --slices 4 --interp --n 0 --steps 4")]
    [InlineData("mcmc --model phi4 --d 2 --L 4 --kappa 0.2 --lambda 1 --algo wolff --step 0.3 --sweeps 16 --thermalize 0 --chains 1")]
    [InlineData("mcmc --model on --n 2 --d 2 --L 4 --beta 0.3 --algo overrelax --overrelax-sweeps 2 --sweeps 16 --thermalize 0 --chains 1")]
    [InlineData("mcmc-scaling --d 2 --L 4,6 --xi 1 --algo heatbath,hmc --trajectory-length 0.5 --step 0.25 --sweeps 16 --thermalize 0 --chains 1")]
    public void SameOptionWhereItAppliesIsAccepted(string line)
    {
        var (code, _, error) = Cli.Run(line.Split(' '));
        Assert.True(code is 0 or 3, $"exit {code}: {error}"); // 3: a 16-sweep chain may be flagged invalid; only the refusal matters
        Assert.DoesNotContain("drop it", error);
    }

    [Theory]
    [InlineData("--exact-score --d 2 --L 4 --xi 1 --n 0")]
    [InlineData("--d 2 --L 4 --xi 1 --train-budget 1")]
    public void UnknownSamplerListsEverySampler(string line)
    {
        var (code, _, error) = Cli.Run(["generate", .. line.Split(' '), "--sampler", "bogus"]);
        Assert.Equal(2, code);
        Assert.Contains("--sampler must be one of sde-em, sde-exp, ode-heun, pc", error);
        Assert.Contains("'bogus'", error);
    }

    [Fact]
    public void MergeRefusesAnOutputInsideAnInputFolder()
    {
        string shard = Path.Combine(_folder, "a");
        var (made, _, madeError) = Cli.Run("scaling", "--d", "2", "--xi-over-L", "0.25", "--L", "6", "--arch", "one-layer", "--budget", "2",
            "--gen-slices", "2", "--no-report", "--out", shard);
        Assert.True(made == 0, madeError);
        string[] before = Directory.EnumerateFileSystemEntries(shard, "*", SearchOption.AllDirectories).Order().ToArray();
        foreach (string inside in new[] { Path.Combine(shard, "jobs"), Path.Combine(shard, "merged", "deep") })
        {
            var (code, output, error) = Cli.Run("merge", shard, "--out", inside);
            Assert.True(code == 2, error);
            Assert.Equal("", output);
            Assert.Contains("--out", error);
            Assert.Contains("inside the input folder", error);
            Assert.Equal(before, Directory.EnumerateFileSystemEntries(shard, "*", SearchOption.AllDirectories).Order().ToArray());
        }
    }

    [Theory]
    [InlineData("mcmc", "16..100000000")]
    [InlineData("mcmc", "0..100000000")]
    [InlineData("generate", "1..1000000")]
    [InlineData("scaling", "1..1000000")]
    [InlineData("stability", "1..1000000")]
    [InlineData("train", "1..100000000")]
    public void IntegerRangesInHelpAreWrittenInDigitsTheParserAccepts(string command, string range)
    {
        var (code, help, _) = Cli.Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains(range, help);
        Assert.DoesNotMatch(@"\.\.1e\d", help);
    }
}
