using AfmServing.Core.Encoding;
using AfmServing.Core.Manifest;
using AfmServing.TestSupport;
using AfmServing.Training.Data;

namespace AfmServing.Training.Tests.Data;

public class DatasetEncoderTests
{
    [Fact]
    public void Encode_FrappeTest_MatchesFieldEncoderRowByRowAndMapsUnseenToOov()
    {
        var (train, _) = LibFmReader.Read(SharedData.FrappeValidation).SplitByFraction(0.9);
        var test = LibFmReader.Read(SharedData.FrappeTest);
        var layout = FieldLayoutBuilder.Fit(KnownSchemas.Frappe(), train);

        var encoded = DatasetEncoder.Encode(layout.Fields, test);

        Assert.Equal(test.Count, encoded.Rows);
        var encoders = layout.Fields.Select((f, i) => new FieldEncoder(f, i)).ToArray();
        for (int r = 0; r < test.Count; r += 97)
        {
            Assert.Equal(test.Rows[r].Label, encoded.Labels[r]);
            for (int f = 0; f < 10; f++)
            {
                Assert.True(encoders[f].TryEncodeText(test.Rows[r].Values[f], out long id, out float x, out _));
                Assert.Equal(id, encoded.Ids[r * 10 + f]);
                Assert.Equal(1f, encoded.Values[r * 10 + f]);
                var spec = layout.Fields[f];
                Assert.InRange(id, spec.Offset, spec.Offset + spec.Size - 1);
                bool known = spec.Categorical!.Vocabulary!.Contains(test.Rows[r].Values[f]!);
                Assert.Equal(known, id != spec.Offset);
            }
        }
        Assert.True(encoded.Ids.All(id => id < layout.TableSize));
        // Some test users/items never occur in the 90% training split, so a few rows hit OOV buckets.
        int oov = 0;
        for (int i = 0; i < encoded.Ids.Length; i++)
            if (encoded.Ids[i] == layout.Fields[i % 10].Offset) oov++;
        Assert.True(oov > 0);
    }

    [Fact]
    public void Encode_CriteoSample_MissingCellsGetTheFieldOffsetAndZeroValue()
    {
        var schema = KnownSchemas.Criteo();
        var data = DelimitedReader.Read(SharedData.Path("criteo", "criteo_sample.txt"), schema);
        var layout = FieldLayoutBuilder.Fit(schema, data);

        var encoded = DatasetEncoder.Encode(layout.Fields, data);

        int f = schema.Fields.Count;
        int missing = 0;
        for (int r = 0; r < data.Count; r++)
        {
            for (int i = 0; i < f; i++)
            {
                if (data.Rows[r].Values[i] is not null) continue;
                missing++;
                Assert.Equal(layout.Fields[i].Offset, encoded.Ids[r * f + i]);
                Assert.Equal(0f, encoded.Values[r * f + i]);
            }
        }
        Assert.Equal(1_101, missing);
        Assert.All(encoded.Values, v => Assert.True(float.IsFinite(v)));
        // Numeric fields are standardised on this split: present values have mean ~0.
        var i2 = Enumerable.Range(0, data.Count).Where(r => data.Rows[r].Values[1] is not null).Select(r => (double)encoded.Values[r * f + 1]).ToList();
        Assert.InRange(i2.Average(), -1e-5, 1e-5);
    }

    [Fact]
    public void Encode_MovieLens_GenresListsAreOneVocabularyEntryAndNumbersAreStandardised()
    {
        var schema = KnownSchemas.MovieLens();
        var train = MovieLensReader.Read(SharedData.Path("movielens-100k", "u1.base"));
        var test = MovieLensReader.Read(SharedData.Path("movielens-100k", "u1.test"));
        var layout = FieldLayoutBuilder.Fit(schema, train);

        var encoded = DatasetEncoder.Encode(layout.Fields, test);

        var genres = layout.Fields[7];
        Assert.True(genres.MultiValued);
        Assert.Contains("Animation|Children's|Comedy", genres.Categorical!.Vocabulary!);
        var encoder = new FieldEncoder(genres, 7);
        Assert.True(encoder.TryEncode(Core.Features.FeatureValue.FromList(["Comedy", "Animation", "Children's"]), out long fromList, out _, out _));
        int row = test.Rows.FindIndex(r => r.Values[7] == "Animation|Children's|Comedy");
        Assert.Equal(fromList, encoded.Ids[row * 8 + 7]);
        var age = layout.Fields[1].Numeric!;
        Assert.Equal((24 - age.Mean) / age.Std, encoded.Values[1], 5); // user 1 is 24
    }

    [Fact]
    public void Encode_BadNumberOutsideTraining_ThrowsWithFileLineAndField()
    {
        var fields = new List<FieldSpec>
        {
            new() { Name = "c", Size = 1, Categorical = new() { Vocabulary = [] } },
            new() { Name = "n", Kind = FieldKinds.Numeric, Offset = 1, Size = 1, Numeric = new() },
        };
        var data = new RawDataset("rows.csv", ["c", "n"], [new RawRow(7, 1, ["a", "1e999"])]);

        var e = Assert.Throws<DataFormatException>(() => DatasetEncoder.Encode(fields, data));

        Assert.Equal("rows.csv:7: field 'n': number must be finite (NaN and infinities are rejected)", e.Message);
    }
}
