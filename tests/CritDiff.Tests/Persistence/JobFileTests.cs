using System.Text.Json;
using CritDiff.Experiments;
using CritDiff.Networks;
using CritDiff.Persistence;

namespace CritDiff.Tests.Persistence;

/// <summary>
/// The one resume mechanism (<see cref="JobFile"/>) and its two file layouts: files written by the code before the
/// restructuring (issue 21; copied verbatim from a <c>reproduce --quick</c> run folder) are found under the same names, reused
/// without recomputing, and the value read back writes the same text again.
/// </summary>
public sealed class JobFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("critdiff-jobfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>quick-d2-population/config.json of a reproduce --quick run.</summary>
    private const string SweepConfig = """
        {
          "name": "quick-d2-population",
          "family": {
            "kind": "xi/L",
            "value": 0.25,
            "free_field": false,
            "label": "xi/L = 0.25"
          },
          "d": 2,
          "sizes": [
            8,
            16,
            32
          ],
          "architectures": [
            "one-layer",
            "two-layer",
            "two-layer-local:1"
          ],
          "schedule": "vp",
          "t": 0.1,
          "slices": 8,
          "t_min": 0.001,
          "mode": "population",
          "optimizer": "gd",
          "lr": null,
          "start": "balanced",
          "batch": 64,
          "eps": 0.01,
          "max_steps": 100000,
          "seeds": 1,
          "budget": 100,
          "generation_slices": 8,
          "generation_steps": 200,
          "seed": 1
        }
        """;

    /// <summary>quick-d2-population/jobs/0000_one-layer_L8_s0.json of the same run.</summary>
    private const string SweepJob = """
        {
          "index": 0,
          "arch": "one-layer",
          "L": 8,
          "seed_index": 0,
          "params": 64,
          "steps": 34,
          "predicted_steps": 34,
          "converged": true,
          "diverged": false,
          "lr": 0.057626898223529635,
          "lr_rule": "auto: 0.5 x 2/lambda_max",
          "optimum_gap_to_exact": 0,
          "final_excess": 0.013500509291098401,
          "kl_at_budget": 8.57737009268611E-05,
          "kl_exact_score": 9.956495949104159E-05,
          "wall_seconds": 0.0073852,
          "budget_curve": [
            {
              "steps": 0,
              "kl_per_site": 16926.560236541674,
              "kl_per_site_vs_data": 16960.399669257054
            },
            {
              "steps": 1,
              "kl_per_site": 7.347906745343666,
              "kl_per_site_vs_data": 7.36570128942615
            },
            {
              "steps": 2,
              "kl_per_site": 2.4769476545652385,
              "kl_per_site_vs_data": 2.484050806421356
            },
            {
              "steps": 4,
              "kl_per_site": 0.8787621606983789,
              "kl_per_site_vs_data": 0.8819801882687645
            },
            {
              "steps": 8,
              "kl_per_site": 0.24794525620000787,
              "kl_per_site_vs_data": 0.24930499253141747
            },
            {
              "steps": 16,
              "kl_per_site": 0.04629352085138203,
              "kl_per_site_vs_data": 0.04678942344451163
            },
            {
              "steps": 32,
              "kl_per_site": 0.0044679781198985365,
              "kl_per_site_vs_data": 0.00460318547564216
            },
            {
              "steps": 64,
              "kl_per_site": 0.00014642621559123978,
              "kl_per_site_vs_data": 0.00015754003398763002
            },
            {
              "steps": 100,
              "kl_per_site": 8.57737009268611E-05,
              "kl_per_site_vs_data": 7.677874209180123E-05
            },
            {
              "steps": 128,
              "kl_per_site": 9.461408760705732E-05,
              "kl_per_site_vs_data": 8.252771888357415E-05
            }
          ],
          "history": [
            {
              "step": 0,
              "excess": 1.402587092370688
            },
            {
              "step": 1,
              "excess": 1.1853629370720298
            },
            {
              "step": 2,
              "excess": 1.0096293194077648
            },
            {
              "step": 3,
              "excess": 0.863967396728064
            },
            {
              "step": 4,
              "excess": 0.7419100895054087
            },
            {
              "step": 5,
              "excess": 0.6388498072808295
            },
            {
              "step": 6,
              "excess": 0.5513463610300694
            },
            {
              "step": 7,
              "excess": 0.47673853050817455
            },
            {
              "step": 8,
              "excess": 0.41291396568579974
            },
            {
              "step": 9,
              "excess": 0.3581647710546287
            },
            {
              "step": 10,
              "excess": 0.31109160408382375
            },
            {
              "step": 11,
              "excess": 0.27053669048716944
            },
            {
              "step": 12,
              "excess": 0.2355350275495601
            },
            {
              "step": 13,
              "excess": 0.20527763590869158
            },
            {
              "step": 14,
              "excess": 0.17908317092504214
            },
            {
              "step": 15,
              "excess": 0.15637556418993398
            },
            {
              "step": 16,
              "excess": 0.13666615304651342
            },
            {
              "step": 17,
              "excess": 0.11953923343100993
            },
            {
              "step": 18,
              "excess": 0.10464027439802645
            },
            {
              "step": 19,
              "excess": 0.09166623344881293
            },
            {
              "step": 20,
              "excess": 0.0803575498841105
            },
            {
              "step": 21,
              "excess": 0.07049149150297054
            },
            {
              "step": 22,
              "excess": 0.06187660153137237
            },
            {
              "step": 23,
              "excess": 0.054348046019695055
            },
            {
              "step": 24,
              "excess": 0.04776370244716133
            },
            {
              "step": 25,
              "excess": 0.04200086147058811
            },
            {
              "step": 26,
              "excess": 0.03695343808923596
            },
            {
              "step": 27,
              "excess": 0.032529607677843644
            },
            {
              "step": 28,
              "excess": 0.028649797594223377
            },
            {
              "step": 29,
              "excess": 0.025244977294445848
            },
            {
              "step": 30,
              "excess": 0.022255199755399108
            },
            {
              "step": 31,
              "excess": 0.01962835501461934
            },
            {
              "step": 32,
              "excess": 0.017319103174703608
            },
            {
              "step": 33,
              "excess": 0.015287959580397754
            },
            {
              "step": 34,
              "excess": 0.013500509291098401
            }
          ],
          "ratio_at_budget": [
            {
              "k": 0,
              "r": 1.0871408271273766
            },
            {
              "k": 0.785398163,
              "r": 1.0394592217867549
            },
            {
              "k": 1.110720735,
              "r": 1.023393549051138
            },
            {
              "k": 1.570796327,
              "r": 1.0050834428401958
            },
            {
              "k": 1.756203683,
              "r": 0.9971446787525767
            },
            {
              "k": 2.221441469,
              "r": 0.9885361927387156
            },
            {
              "k": 2.35619449,
              "r": 0.9906989035192362
            },
            {
              "k": 2.483647066,
              "r": 0.9885361927387154
            },
            {
              "k": 2.83179335,
              "r": 0.9894300760784284
            },
            {
              "k": 3.141592654,
              "r": 0.9885361927387153
            },
            {
              "k": 3.238279586,
              "r": 0.9879393336556135
            },
            {
              "k": 3.332162204,
              "r": 0.9975792283364121
            },
            {
              "k": 3.512407366,
              "r": 0.9919926596461552
            },
            {
              "k": 3.926990817,
              "r": 1.0028172892185627
            },
            {
              "k": 4.442882938,
              "r": 1.0090397134001698
            }
          ]
        }
        """;

    /// <summary>local-architectures/runs/layers_local_1_full-unbalanced_2-L16-bc5390f91d6a.json of the same run.</summary>
    private const string LocalPiece = """
        {
          "Key": "{\n  \u0022Family\u0022: {\n    \u0022Kind\u0022: \u0022xi/L\u0022,\n    \u0022Value\u0022: 0.25,\n    \u0022FreeField\u0022: false,\n    \u0022Label\u0022: \u0022xi/L = 0.25\u0022\n  },\n  \u0022Dimension\u0022: 2,\n  \u0022Sizes\u0022: [\n    16\n  ],\n  \u0022Candidates\u0022: [\n    {\n      \u0022Architecture\u0022: \u0022layers:local:1,full\u0022,\n      \u0022Start\u0022: \u0022unbalanced:2\u0022,\n      \u0022Label\u0022: \u0022layers:local:1,full (unbalanced:2)\u0022\n    }\n  ],\n  \u0022Schedule\u0022: \u0022vp\u0022,\n  \u0022Time\u0022: 0.1,\n  \u0022Eps\u0022: 0.01,\n  \u0022MaxSteps\u0022: 20000,\n  \u0022Seed\u0022: 1\n}",
          "Value": {
            "Candidate": {
              "Architecture": "layers:local:1,full",
              "Start": "unbalanced:2",
              "Label": "layers:local:1,full (unbalanced:2)"
            },
            "Length": 16,
            "Parameters": 265,
            "OneLayerParameters": 256,
            "Steps": 12,
            "Converged": true,
            "Diverged": false,
            "OptimumGap": 2.220446049250313E-15,
            "ClosedForm": false
          },
          "WallSeconds": 0.8752869
        }
        """;

    [Fact]
    public void ASweepJobFileOfTheOldCodeIsReusedAndWritesTheSameText()
    {
        string dir = Path.Combine(_folder, "quick-d2-population");
        Directory.CreateDirectory(Path.Combine(dir, "jobs"));
        File.WriteAllText(Path.Combine(dir, "config.json"), SweepConfig + "\n");
        File.WriteAllText(Path.Combine(dir, "jobs", "0000_one-layer_L8_s0.json"), SweepJob + "\n");

        var spec = ScalingFolder.ReadSpec(dir);
        ScalingFolder.Prepare(dir, spec); // the same experiment: accepted, config.json untouched
        Assert.Equal(SweepConfig + "\n", File.ReadAllText(Path.Combine(dir, "config.json")));
        var job = spec.Jobs()[0];
        Assert.Equal(Path.Combine(dir, "jobs", "0000_one-layer_L8_s0.json"), ScalingFolder.JobPath(dir, job));
        Assert.DoesNotContain(ScalingSweep.Pending(spec, dir, Shard.All), j => j.Index == 0);
        Assert.Equal(spec.Jobs().Count - 1, ScalingSweep.Pending(spec, dir, Shard.All).Count());

        var result = ScalingFolder.ReadJob(dir, job)!;
        Assert.Equal((0, "one-layer", 8, 34), (result.Index, result.Architecture, result.Length, result.Steps));
        Assert.Equal(SweepJob, JsonFormats.Serialize(result, JsonFormats.Folder));
        string again = Path.Combine(_folder, "again");
        ScalingFolder.Prepare(again, spec);
        ScalingFolder.WriteJob(again, job, result);
        Assert.Equal(SweepJob + "\n", File.ReadAllText(ScalingFolder.JobPath(again, job)));
    }

    [Fact]
    public void AKeyedPieceOfTheOldCodeIsReusedUnderItsNameAndWritesTheSameText()
    {
        var spec = new LocalStudySpec
        {
            Family = new ModelFamily("xi/L", 0.25, false), Dimension = 2, Sizes = [16],
            Candidates = [new ArchitectureCandidate(NetworkCatalog.LocalThenFull(1), "unbalanced:2")], MaxSteps = 20000, Seed = 1,
        };
        string key = KeyedResult.KeyOf(JsonFormats.Keyed, spec);
        string path = KeyedResult.PathOf(_folder, "layers:local:1,full-unbalanced:2-L16", key);
        Assert.Equal("layers_local_1_full-unbalanced_2-L16-bc5390f91d6a.json", Path.GetFileName(path));
        File.WriteAllText(path, LocalPiece + "\n");

        var (row, wall, reused) = KeyedResult.GetOrCompute<LocalStudyRow>(JsonFormats.Keyed, _folder, "layers:local:1,full-unbalanced:2-L16", key,
            () => throw new InvalidOperationException("a stored piece must be reused"));
        Assert.True(reused);
        Assert.Equal((16, 265, 12), (row.Length, row.Parameters, row.Steps));
        Assert.Equal(0.8752869, wall);
        Assert.Equal(LocalPiece, JsonFormats.Serialize(new KeyedResult.Stored<LocalStudyRow>(key, row, wall), JsonFormats.Keyed));
    }

    [Fact]
    public void AKeyedPieceWithAnotherKeyOrUnreadableIsRecomputed()
    {
        var row = new LocalStudyRow(new ArchitectureCandidate(NetworkCatalog.OneLayer), 8, 64, 64, 5, true, false, 0, true);
        KeyedResult.GetOrCompute(JsonFormats.Keyed, _folder, "row", "key", () => row);
        string path = KeyedResult.PathOf(_folder, "row", "key");
        Assert.True(File.Exists(path));
        // Another key hashes to another file; the same file edited to another key is not this piece.
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"Key\": \"key\"", "\"Key\": \"other\"", StringComparison.Ordinal));
        int computed = 0;
        KeyedResult.GetOrCompute(JsonFormats.Keyed, _folder, "row", "key", () => { computed++; return row; });
        File.WriteAllText(path, "{ not json");
        KeyedResult.GetOrCompute(JsonFormats.Keyed, _folder, "row", "key", () => { computed++; return row; });
        Assert.Equal(2, computed);
        Assert.True(KeyedResult.GetOrCompute(JsonFormats.Keyed, _folder, "row", "key", () => row).Reused);
    }

    [Fact]
    public void AnExperimentJobFileThatIsCorruptOrAnotherJobIsAnErrorNamingIt()
    {
        var spec = new ModelFamily("xi/L", 0.25, false);
        ExperimentFolder.WriteJob(_folder, "0001_a", spec, JsonFormats.Folder);
        Assert.Equal(spec, ExperimentFolder.ReadJob<ModelFamily>(_folder, "0001_a", JsonFormats.Folder, _ => null));
        Assert.Null(ExperimentFolder.ReadJob<ModelFamily>(_folder, "0002_b", JsonFormats.Folder, _ => null));
        var other = Assert.Throws<InvalidDataException>(() =>
            ExperimentFolder.ReadJob<ModelFamily>(_folder, "0001_a", JsonFormats.Folder, f => $"family {f.Kind}, not family beta"));
        Assert.Contains("0001_a.json' holds family xi/L, not family beta as its name says", other.Message, StringComparison.Ordinal);
        File.WriteAllText(ExperimentFolder.JobPath(_folder, "0001_a"), "{ \"kind\": ");
        var corrupt = Assert.Throws<InvalidDataException>(() => ExperimentFolder.ReadJob<ModelFamily>(_folder, "0001_a", JsonFormats.Folder, _ => null));
        Assert.Contains("0001_a.json' is corrupt", corrupt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AJobFileIsWrittenAtomicallyAndReadBack()
    {
        string path = Path.Combine(_folder, "deep", "piece.json");
        var value = new ValueWithError(1.5, null);
        JobFile.Write(path, value, JsonFormats.Folder);
        Assert.True(JobFile.IsFinished(path));
        Assert.Equal("{\n  \"value\": 1.5,\n  \"error\": null\n}\n", File.ReadAllText(path).ReplaceLineEndings("\n"));
        Assert.Equal(value, JobFile.Read<ValueWithError>(path, JsonFormats.Folder));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*" + AtomicFile.TemporaryMarker + "*"));
        Assert.Null(JobFile.Read<ValueWithError>(Path.Combine(_folder, "none.json"), JsonFormats.Folder));
        File.WriteAllText(path, "[1, 2]");
        Assert.ThrowsAny<JsonException>(() => JobFile.Read<ValueWithError>(path, JsonFormats.Folder));
    }
}
