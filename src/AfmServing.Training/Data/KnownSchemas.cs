using AfmServing.Core.Manifest;

namespace AfmServing.Training.Data;

/// <summary>Built-in schemas for the data sets the project trains and tests on, by name.</summary>
public static class KnownSchemas
{
    public static readonly IReadOnlyList<string> Names = ["frappe", "movielens", "criteo", "avazu", "taobao"];

    /// <summary>The schema called <paramref name="name"/>, or null.</summary>
    public static DatasetSchema? Get(string name) => name switch
    {
        "frappe" => Frappe(),
        "movielens" => MovieLens(),
        "criteo" => Criteo(),
        "avazu" => Avazu(),
        "taobao" => Taobao(),
        _ => null,
    };

    /// <summary>Frappe libFM: 10 categorical fields; the app (item) and its cost come from the item entity.</summary>
    public static DatasetSchema Frappe(int minCount = 1) => new()
    {
        AttributesFromPositiveRows = true,
        Fields = LibFmReader.FrappeFields.Select(name => new FieldSchema
        {
            Name = name,
            Source = name switch
            {
                "user" => FieldSources.User,
                "item" or "cost" => FieldSources.Item,
                _ => FieldSources.Context,
            },
            EntityId = name is "user" or "item",
            MinCount = minCount,
        }).ToList(),
    };

    /// <summary>MovieLens-100K joined with user and item attributes (see <see cref="MovieLensReader"/>).</summary>
    public static DatasetSchema MovieLens() => new()
    {
        LabelColumn = "rating",
        PositiveLabelAtLeast = 4,
        Separator = "\\t",
        Fields =
        [
            new() { Name = "user", Source = FieldSources.User, EntityId = true },
            new() { Name = "age", Kind = FieldKinds.Numeric, Source = FieldSources.User },
            new() { Name = "gender", Source = FieldSources.User },
            new() { Name = "occupation", Source = FieldSources.User },
            new() { Name = "zip_prefix", Source = FieldSources.User, MinCount = 2 },
            new() { Name = "item", Source = FieldSources.Item, EntityId = true },
            new() { Name = "year", Kind = FieldKinds.Numeric, Source = FieldSources.Item },
            new() { Name = "genres", Source = FieldSources.Item, ListSeparator = "|" },
        ],
    };

    /// <summary>Criteo: 13 counts (signed log1p, standardised, clipped) and 26 hashed categories.</summary>
    public static DatasetSchema Criteo()
    {
        var fields = new List<FieldSchema>();
        for (int i = 1; i <= 13; i++)
            fields.Add(new() { Name = $"I{i}", Kind = FieldKinds.Numeric, Log1p = true, ClipQuantile = 0.99 });
        for (int i = 1; i <= 26; i++)
            fields.Add(new() { Name = $"C{i}", Encoding = CategoricalEncodings.Hash, Buckets = 1000 });
        return new() { LabelColumn = "label", Fields = fields };
    }

    /// <summary>Avazu: device and app/site attributes; the high-cardinality device columns are hashed.</summary>
    public static DatasetSchema Avazu()
    {
        var fields = new List<FieldSchema>
        {
            new() { Name = "id", Encoding = CategoricalEncodings.Hash, Buckets = 1 << 12 },
            new() { Name = "hour" },
        };
        foreach (var c in new[] { "C1", "banner_pos", "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C21" })
            fields.Add(new() { Name = c });
        foreach (var c in new[] { "site_id", "site_domain", "site_category", "app_id", "app_domain", "app_category" })
            fields.Add(new() { Name = c, Source = FieldSources.Item });
        foreach (var c in new[] { "device_id", "device_ip", "device_model" })
            fields.Add(new() { Name = c, Source = FieldSources.User, Encoding = CategoricalEncodings.Hash, Buckets = 1 << 12 });
        foreach (var c in new[] { "device_type", "device_conn_type" })
            fields.Add(new() { Name = c, Source = FieldSources.User });
        return new() { LabelColumn = "click", Fields = fields };
    }

    /// <summary>Taobao display ads (FuxiCTR tiny sample): user profile, ad attributes, price, click sequence.</summary>
    public static DatasetSchema Taobao()
    {
        var fields = new List<FieldSchema>();
        foreach (var c in new[] { "userid", "cms_segid", "cms_group_id", "final_gender_code", "age_level", "pvalue_level", "shopping_level", "occupation", "new_user_class_level" })
            fields.Add(new() { Name = c, Source = FieldSources.User });
        foreach (var c in new[] { "adgroup_id", "cate_id", "campaign_id", "customer", "brand" })
            fields.Add(new() { Name = c, Source = FieldSources.Item });
        fields.Add(new() { Name = "price", Kind = FieldKinds.Numeric, Source = FieldSources.Item, Log1p = true });
        fields.Add(new() { Name = "pid" });
        fields.Add(new() { Name = "click_sequence", Source = FieldSources.User, ListSeparator = "^", Encoding = CategoricalEncodings.Hash, Buckets = 1 << 10 });
        return new() { LabelColumn = "clk", Fields = fields };
    }
}
