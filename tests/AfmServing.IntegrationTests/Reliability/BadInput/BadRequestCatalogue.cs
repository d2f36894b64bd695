using System.Text;
using System.Text.Json.Nodes;
using AfmServing.Api.V1;
using AfmServing.IntegrationTests.Reliability.Support;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AfmServing.IntegrationTests.Reliability.BadInput;

/// <summary>
/// The bad-input catalogue: the ways real clients get requests wrong, each with the answer it must get.
/// Every case runs against one server (test model <c>test-afm</c>, plus <c>criteo</c>, <c>avazu</c> and
/// <c>taobao</c> models whose fields are the sample files' columns) with the production limits of
/// appsettings.json. docs/RELIABILITY.md lists the same table; a test keeps them in step.
/// </summary>
public static class BadRequestCatalogue
{
    /// <summary>Kestrel:Limits:MaxRequestBodySize in appsettings.json.</summary>
    public const int BodyLimit = 4 * 1024 * 1024;

    /// <summary>Scoring:MaxCandidates (default) and Scoring:MaxValueLength (default).</summary>
    public const int MaxCandidates = 1000;
    public const int MaxValueLength = 1024;

    private const string One = """{"candidates":[{"itemId":"i1"}]}""";

    public static IReadOnlyList<BadRequestCase> All { get; } = Build();

    public static BadRequestCase Get(string name) => All.Single(c => c.Name == name);

    private static List<BadRequestCase> Build()
    {
        var cases = new List<BadRequestCase>();
        void Rest(string name, string sent, string json, Expected expect, int candidates = 1, string? contentType = "application/json") =>
            cases.Add(new BadRequestCase { Name = name, Sent = sent, Via = Via.Rest, Body = Encoding.UTF8.GetBytes(json), ContentType = contentType, Expect = expect, Candidates = candidates });
        void RestBytes(string name, string sent, byte[] body, Expected expect, bool chunked = false) =>
            cases.Add(new BadRequestCase { Name = name, Sent = sent, Via = Via.Rest, Body = body, Expect = expect, Chunked = chunked });
        void Grpc(string name, string sent, Func<ScoreRequest> request, Expected expect, int candidates = 1) =>
            cases.Add(new BadRequestCase { Name = name, Sent = sent, Via = Via.Grpc, Request = request, Expect = expect, Candidates = candidates });
        void Raw(string name, string sent, byte[] frames, Expected expect, IReadOnlyDictionary<string, string>? headers = null, string contentType = "application/grpc") =>
            cases.Add(new BadRequestCase { Name = name, Sent = sent, Via = Via.RawGrpc, Frames = frames, Expect = expect, Headers = headers, GrpcContentType = contentType });

        var invalid = (string f) => Expected.Http(400, f);
        var grpcInvalid = (string f) => Expected.Rpc(StatusCode.InvalidArgument, f);

        // Malformed JSON.
        Rest("rest-truncated-json", "body cut off mid-object", One[..^3], invalid("invalid JSON: Expected depth to be zero at the end of the JSON payload"));
        Rest("rest-not-json", "form-encoded text with a JSON content type", "candidates=i1&userId=u1", invalid("invalid JSON: 'c' is an invalid start of a value"));
        Rest("rest-empty-body", "empty body", "", invalid("invalid JSON: The input does not contain any JSON tokens"));
        Rest("rest-json-null", "the JSON literal null", "null", invalid("the body must be a JSON object (ScoreRequest), got null"));
        Rest("rest-json-array", "a JSON array instead of an object", """[{"itemId":"i1"}]""", invalid("the body must be a JSON object (ScoreRequest), got a list"));
        Rest("rest-json-string", "a JSON string instead of an object", "\"score me\"", invalid("the body must be a JSON object (ScoreRequest), got a string"));
        Rest("rest-trailing-garbage", "a valid object followed by more text", One + " {}", invalid("invalid JSON: '{' is invalid after a single JSON value"));
        Rest("rest-single-quotes", "single-quoted names and strings", "{'candidates':[{'itemId':'i1'}]}", invalid("invalid JSON: ''' is an invalid start of a property name"));
        Rest("rest-comments", "a /* comment */ in the body", """{/* test */"candidates":[{"itemId":"i1"}]}""", invalid("invalid JSON: '/' is invalid after a value"));
        Rest("rest-trailing-comma", "a trailing comma in an array", """{"candidates":[{"itemId":"i1"},]}""", invalid("invalid JSON: The JSON array contains a trailing comma"));
        Rest("rest-unescaped-control-char", "a raw tab and newline inside a string", "{\"userId\":\"u\t1\n\",\"candidates\":[{\"itemId\":\"i1\"}]}", invalid("invalid JSON: '0x09' is invalid within a JSON string"));
        Rest("rest-deep-nesting", "a feature value nested 1000 arrays deep", $$"""{"context":{"tags":{{new string('[', 1000)}}{{new string(']', 1000)}}},"candidates":[{"itemId":"i1"}]}""", invalid("invalid JSON: The maximum configured depth of 64 has been exceeded"));
        Rest("rest-nested-object-value", "a feature value that is an object nested 40 deep", $$"""{"context":{"daytime":{{string.Concat(Enumerable.Repeat("{\"a\":", 40))}}1{{new string('}', 40)}}},"candidates":[{"itemId":"i1"}]}""", invalid("context.daytime: objects are not feature values"));

        // Content type.
        Rest("rest-content-type-text", "a JSON body labelled text/plain", One, invalid("content type 'text/plain' is not a known JSON content type"), contentType: "text/plain");
        Rest("rest-content-type-missing", "a JSON body with no Content-Type", One, invalid("is not a known JSON content type"), contentType: null);
        Rest("rest-content-type-form", "a JSON body labelled application/x-www-form-urlencoded", One, invalid("is not a known JSON content type"), contentType: "application/x-www-form-urlencoded");
        Rest("rest-charset-unknown", "Content-Type application/json; charset=klingon", One, invalid("charset 'klingon' is not a known encoding"), contentType: "application/json; charset=klingon");
        Rest("rest-charset-latin1", "a JSON body declared as ISO-8859-1 (transcoded, legal)", One, Expected.Scored("the declared charset is honoured"), contentType: "application/json; charset=iso-8859-1");

        // Size.
        RestBytes("rest-body-over-limit", $"a {BodyLimit + 1}-byte body with Content-Length", OverLimitBody(), Expected.Http(413, "exceeds the limit of 4194304 bytes"));
        RestBytes("rest-body-over-limit-chunked", $"a {BodyLimit + 1}-byte body, chunked (no Content-Length)", OverLimitBody(), Expected.Http(413, "exceeds the limit of 4194304 bytes"), chunked: true);
        Rest("rest-too-many-candidates", $"{MaxCandidates + 1} candidates", CandidatesJson(MaxCandidates + 1), invalid($"candidates: {MaxCandidates + 1} candidates exceed the limit of {MaxCandidates}"));
        Rest("rest-max-candidates", $"exactly {MaxCandidates} candidates (legal)", CandidatesJson(MaxCandidates), Expected.Scored("one score per candidate, in order"), candidates: MaxCandidates);
        Rest("rest-empty-candidates", "an empty candidate list", """{"userId":"u1","candidates":[]}""", invalid("candidates: at least 1 candidate is required"));
        Rest("rest-no-candidates", "no candidates property", """{"userId":"u1"}""", invalid("candidates: at least 1 candidate is required"));
        Rest("rest-null-candidates", "candidates: null", """{"candidates":null}""", invalid("candidates: expected a list, got null; leave the field out instead"));

        // Wrong JSON types.
        Rest("rest-candidates-object", "candidates as an object", """{"candidates":{"itemId":"i1"}}""", invalid("candidates: expected a list, got an object"));
        Rest("rest-candidates-string", "candidates as a string", """{"candidates":"i1"}""", invalid("candidates: expected a list, got a string"));
        Rest("rest-candidate-null", "a null candidate in the list", """{"candidates":[null]}""", invalid("candidates[0]: expected an object, got null"));
        Rest("rest-user-id-number", "userId as a number", """{"userId":42,"candidates":[{"itemId":"i1"}]}""", invalid("userId: expected a string, got a number"));
        Rest("rest-user-id-object", "userId as an object", """{"userId":{"id":"u1"},"candidates":[{"itemId":"i1"}]}""", invalid("userId: expected a string, got an object"));
        Rest("rest-explain-string", "explain as the string \"yes\"", """{"explain":"yes","candidates":[{"itemId":"i1"}]}""", invalid("explain: expected true or false, got a string"));
        Rest("rest-context-array", "context as an array", """{"context":["morning"],"candidates":[{"itemId":"i1"}]}""", invalid("context: expected an object of name/value pairs, got a list"));
        Rest("rest-features-string", "a candidate's features as a string", """{"candidates":[{"itemId":"i1","features":"cost=paid"}]}""", invalid("candidates[0].features: expected an object of name/value pairs, got a string"));
        Rest("rest-number-as-string", "numeric field price as the string \"3.5\"", """{"context":{"price":"3.5"},"candidates":[{"itemId":"i1"}]}""", invalid("context.price: expected a number, got a string"));
        Rest("rest-string-as-number", "categorical field daytime as the number 5 (legal: an integral id)", """{"context":{"daytime":5},"candidates":[{"itemId":"i1"}]}""", Expected.Scored("integral numbers are ids in invariant form (\"5\")"));
        Rest("rest-fraction-as-category", "categorical field daytime as 1.5", """{"context":{"daytime":1.5},"candidates":[{"itemId":"i1"}]}""", invalid("context.daytime: expected a string (categorical), got a non-integral number"));
        Rest("rest-bool-feature", "a boolean feature value", """{"candidates":[{"itemId":"i1","features":{"cost":true}}]}""", invalid("candidates[0].features.cost: booleans are not feature values"));
        Rest("rest-list-on-single-valued", "a list for the single-valued field daytime", """{"context":{"daytime":["morning","night"]},"candidates":[{"itemId":"i1"}]}""", invalid("context.daytime: expected a string, got a list"));
        Rest("rest-nested-list", "a list of lists for the multi-valued field tags", """{"context":{"tags":[["a"]]},"candidates":[{"itemId":"i1"}]}""", invalid("context.tags[0]: a list may hold strings only"));
        Rest("rest-list-with-null", "a null inside a multi-valued list", """{"context":{"tags":["a",null]},"candidates":[{"itemId":"i1"}]}""", invalid("context.tags[1]: a list may hold strings only"));
        Rest("rest-numeric-list", "a list for the numeric field price", """{"context":{"price":[1,2]},"candidates":[{"itemId":"i1"}]}""", invalid("context.price[0]: a list may hold strings only"));

        // Nulls and empties (legal: missing).
        Rest("rest-null-feature", "a feature value null (legal: missing)", """{"context":{"daytime":null,"price":null},"candidates":[{"itemId":"i1","features":{"cost":null}}]}""", Expected.Scored("null is a missing value, masked"));
        Rest("rest-null-user-id", "userId: null (legal: no user)", """{"userId":null,"candidates":[{"itemId":"i1"}]}""", Expected.Scored("null is the default, an empty user id"));
        Rest("rest-empty-string-features", "empty strings and an empty list as values (legal: missing)", """{"context":{"daytime":"","price":null,"tags":[]},"candidates":[{"itemId":"","features":{"cost":""}}]}""", Expected.Scored("an empty value is missing, as an empty cell is in training data"));
        Rest("rest-empty-candidate", "a candidate with nothing in it (legal)", """{"candidates":[{}]}""", Expected.Scored("every field missing, masked"));

        // Numbers.
        Rest("rest-nan-literal", "price: NaN (not JSON)", """{"context":{"price":NaN},"candidates":[{"itemId":"i1"}]}""", invalid("invalid JSON: 'N' is an invalid start of a value"));
        Rest("rest-infinity-literal", "price: Infinity (not JSON)", """{"context":{"price":Infinity},"candidates":[{"itemId":"i1"}]}""", invalid("invalid JSON: 'I' is an invalid start of a value"));
        Rest("rest-nan-string", "price: \"NaN\"", """{"context":{"price":"NaN"},"candidates":[{"itemId":"i1"}]}""", invalid("context.price: expected a number, got a string"));
        Rest("rest-overflow-1e400", "price: 1e400 (overflows a double)", """{"context":{"price":1e400},"candidates":[{"itemId":"i1"}]}""", invalid("context.price"));
        Rest("rest-overflow-negative", "price: -1e400", """{"context":{"price":-1e400},"candidates":[{"itemId":"i1"}]}""", invalid("context.price"));
        Rest("rest-huge-finite", "price: 1.7e308 (legal: clipped by the field's transform)", """{"context":{"price":1.7e308},"candidates":[{"itemId":"i1"}]}""", Expected.Scored("clipped to the field's range"));
        Rest("rest-tiny-number", "price: 5e-324 (legal)", """{"context":{"price":5e-324},"candidates":[{"itemId":"i1"}]}""", Expected.Scored("a denormal is a number"));
        Rest("rest-20-digit-id-number", "a 20-digit Avazu id as a JSON number for a categorical field", """{"context":{"daytime":10000169349117863715},"candidates":[{"itemId":"i1"}]}""", invalid("context.daytime: expected a string (categorical), got an integer beyond 2^53"));
        Rest("rest-20-digit-id-string", "a 20-digit Avazu id as a string (legal)", """{"userId":"10000169349117863715","candidates":[{"itemId":"10000169349117863715"}]}""", Expected.Scored("ids are strings; unknown ids use the out-of-vocabulary row"));

        // Models and names.
        Rest("rest-unknown-model", "model: \"nope\"", """{"model":"nope","candidates":[{"itemId":"i1"}]}""", Expected.Http(404, "model: 'nope' is not served"));
        Rest("rest-long-model-name", "a 10,000-character model name", $$"""{"model":"{{new string('m', 10_000)}}","candidates":[{"itemId":"i1"}]}""", Expected.Http(404, "is not served"));
        Rest("rest-unknown-top-level-field", "a property the API does not have (\"user\")", """{"user":"u1","candidates":[{"itemId":"i1"}]}""", invalid("user: unknown field (ScoreRequest fields: model, requestId, userId, context, candidates, explain)"));
        Rest("rest-top-level-case", "\"UserId\" (case differs from userId)", """{"UserId":"u1","candidates":[{"itemId":"i1"}]}""", invalid("UserId: unknown field; field names are case-sensitive, did you mean 'userId'?"));
        Rest("rest-proto-field-name", "\"user_id\" (the proto name; legal in proto3 JSON)", """{"user_id":"u1","candidates":[{"item_id":"i1"}]}""", Expected.Scored("proto3 JSON accepts proto field names"));
        Rest("rest-unknown-feature", "a feature the model does not have", """{"candidates":[{"itemId":"i1","features":{"colour":"red"}}]}""", invalid("candidates[0].features.colour: unknown field for model test-afm"));
        Rest("rest-feature-case", "feature \"Cost\" (case differs from cost)", """{"candidates":[{"itemId":"i1","features":{"Cost":"paid"}}]}""", invalid("candidates[0].features.Cost: unknown field; field names are case-sensitive, did you mean 'cost'?"));
        Rest("rest-empty-feature-name", "a feature named \"\"", """{"context":{"":"x"},"candidates":[{"itemId":"i1"}]}""", invalid("context.: unknown field"));
        Rest("rest-duplicate-top-level-key", "userId twice", """{"userId":"u1","userId":"u2","candidates":[{"itemId":"i1"}]}""", invalid("userId: repeated; a field may appear once"));
        Rest("rest-duplicate-feature-key", "the feature cost twice in one map", """{"candidates":[{"itemId":"i1","features":{"cost":"free","cost":"paid"}}]}""", invalid("candidates[0].features.cost: repeated; a name may appear once"));
        Rest("rest-both-spellings", "userId and user_id in one body", """{"userId":"u1","user_id":"u2","candidates":[{"itemId":"i1"}]}""", invalid("user_id: repeated; a field may appear once"));
        Rest("rest-candidate-field-case", "a candidate's \"itemID\" (case differs from itemId)", """{"candidates":[{"itemID":"i1"}]}""", invalid("candidates[0].itemID: unknown field; field names are case-sensitive, did you mean 'itemId'?"));
        Rest("rest-null-context", "context: null", """{"context":null,"candidates":[{"itemId":"i1"}]}""", invalid("context: expected an object of name/value pairs, got null"));

        // Strings.
        Rest("rest-long-value", $"a {MaxValueLength + 1}-character feature value", $$"""{"context":{"daytime":"{{new string('x', MaxValueLength + 1)}}"},"candidates":[{"itemId":"i1"}]}""", invalid($"context.daytime: string longer than {MaxValueLength} characters"));
        Rest("rest-long-item-id", $"a {MaxValueLength + 1}-character item id", $$"""{"candidates":[{"itemId":"{{new string('i', MaxValueLength + 1)}}"}]}""", invalid($"candidates[0].item_id: longer than {MaxValueLength} characters"));
        Rest("rest-long-user-id", "a 1 MiB user id", $$"""{"userId":"{{new string('u', 1 << 20)}}","candidates":[{"itemId":"i1"}]}""", invalid($"user_id: longer than {MaxValueLength} characters"));
        Rest("rest-long-feature-name", "a 100,000-character feature name", $$"""{"context":{"{{new string('n', 100_000)}}":"x"},"candidates":[{"itemId":"i1"}]}""", invalid("unknown field"));
        Rest("rest-long-list", "a multi-valued list of 10,000 values", $$"""{"context":{"tags":[{{string.Join(',', Enumerable.Repeat("\"a\"", 10_000))}}]},"candidates":[{"itemId":"i1"}]}""", invalid("context.tags: list longer than 256 values"));
        RestBytes("rest-invalid-utf8", "bytes 0xC3 0x28 (invalid UTF-8) inside a string", Utf8With("{\"userId\":\"u", [0xC3, 0x28], "\",\"candidates\":[{\"itemId\":\"i1\"}]}"), invalid("userId: the string is not valid UTF-8"));
        Rest("rest-lone-surrogate", "a lone surrogate escape \\ud800 in a string", """{"userId":"\ud800","candidates":[{"itemId":"i1"}]}""", invalid("userId: the string is not valid UTF-8 or holds a lone UTF-16 surrogate escape"));
        Rest("rest-unicode", "non-ASCII values and names (legal)", """{"userId":"пользователь","context":{"daytime":"ночь 🌙"},"candidates":[{"itemId":"商品"}]}""", Expected.Scored("unknown values use the out-of-vocabulary row"));
        RestBytes("rest-utf8-bom", "a UTF-8 byte-order mark before the body (legal)", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(One)], Expected.Scored("the BOM is skipped"));

        // User-sourced fields.
        Rest("rest-user-field-without-user", "no userId although the model has a user field (legal)", """{"context":{"daytime":"morning"},"candidates":[{"itemId":"i1"}]}""", Expected.Scored("the user field is missing, masked"));
        Rest("rest-user-field-in-context", "the user field sent in context with no userId (legal)", """{"context":{"user":"u1"},"candidates":[{"itemId":"i1"}]}""", Expected.Scored("request values take precedence over the store"));

        // Real rows from the Criteo, Avazu and Taobao samples, as feature maps.
        var criteo = SampleRows.Criteo;
        var avazu = SampleRows.Avazu;
        var taobao = SampleRows.Taobao;
        Rest("criteo-rows-to-test-model", "3 Criteo rows to test-afm, which has none of their fields", RowsJson(null, criteo, 3, RowStyle.Typed), invalid("candidates[0].features.I1: unknown field for model test-afm"));
        Rest("criteo-rows-typed", $"all {criteo.Rows.Length} Criteo rows to model criteo: counts as numbers, hashes as strings, empty cells null", RowsJson("criteo", criteo, criteo.Rows.Length, RowStyle.Typed), Expected.Scored("empty cells are missing"), candidates: criteo.Rows.Length);
        Rest("criteo-rows-empty-strings", "Criteo rows to model criteo with empty cells as \"\"", RowsJson("criteo", criteo, 20, RowStyle.EmptyAsEmptyString), Expected.Scored("an empty string is missing"), candidates: 20);
        Rest("criteo-rows-all-strings", "Criteo rows to model criteo with every cell a string, as read from CSV", RowsJson("criteo", criteo, 3, RowStyle.AllStrings), invalid("candidates[0].features.I2: expected a number, got a string"));
        Rest("avazu-rows-to-test-model", "Avazu rows to test-afm", RowsJson(null, avazu, 3, RowStyle.Typed), invalid("candidates[0].features.id: unknown field for model test-afm"));
        Rest("avazu-rows-typed", $"all {avazu.Rows.Length} Avazu rows to model avazu, 20-digit ids as strings", RowsJson("avazu", avazu, avazu.Rows.Length, RowStyle.Typed), Expected.Scored("long ids hash like any string"), candidates: avazu.Rows.Length);
        Rest("avazu-id-as-number", "Avazu rows to model avazu with the 20-digit id as a JSON number", RowsJson("avazu", avazu, 3, RowStyle.IdAsNumber), invalid("candidates[0].features.id: expected a string (categorical), got an integer beyond 2^53"));
        Rest("taobao-rows-to-test-model", "Taobao rows to test-afm", RowsJson(null, taobao, 3, RowStyle.Typed), invalid("candidates[0].features.time_stamp: unknown field for model test-afm"));
        Rest("taobao-rows-typed", $"all {taobao.Rows.Length} Taobao rows to model taobao: price a number, click_sequence a list, empty cells null", RowsJson("taobao", taobao, taobao.Rows.Length, RowStyle.Typed), Expected.Scored("empty cells are missing"), candidates: taobao.Rows.Length);
        Grpc("grpc-criteo-rows-typed", "50 Criteo rows to model criteo over gRPC, empty cells null", () => RowsRequest("criteo", criteo, 50), Expected.Scored("empty cells are missing"), candidates: 50);

        // gRPC with the generated client.
        Grpc("grpc-no-candidates", "an empty ScoreRequest", () => new ScoreRequest(), grpcInvalid("candidates: at least 1 candidate is required"));
        Grpc("grpc-nan", "price = NaN", () => WithContext("price", Value.ForNumber(double.NaN)), grpcInvalid("context.price: number must be finite"));
        Grpc("grpc-infinity", "price = +Infinity", () => WithContext("price", Value.ForNumber(double.PositiveInfinity)), grpcInvalid("context.price: number must be finite"));
        Grpc("grpc-negative-infinity", "a candidate's price = -Infinity", () =>
        {
            var r = WithContext("daytime", Value.ForString("night"));
            r.Candidates[0].Features.Add("price", Value.ForNumber(double.NegativeInfinity));
            return r;
        }, grpcInvalid("candidates[0].features.price: number must be finite"));
        Grpc("grpc-max-double", "price = double.MaxValue (legal: clipped)", () => WithContext("price", Value.ForNumber(double.MaxValue)), Expected.Scored("clipped to the field's range"));
        Grpc("grpc-unknown-model", "model = \"nope\"", () => { var r = WithContext("daytime", Value.ForString("night")); r.Model = "nope"; return r; }, Expected.Rpc(StatusCode.NotFound, "model: 'nope' is not served"));
        Grpc("grpc-too-many-candidates", $"{MaxCandidates + 1} candidates", () => ManyCandidates(MaxCandidates + 1), grpcInvalid($"candidates: {MaxCandidates + 1} candidates exceed the limit of {MaxCandidates}"));
        Grpc("grpc-unknown-feature", "feature \"colour\"", () => WithContext("colour", Value.ForString("red")), grpcInvalid("context.colour: unknown field for model test-afm"));
        Grpc("grpc-struct-value", "a Struct feature value", () => WithContext("daytime", Value.ForStruct(new Struct { Fields = { ["a"] = Value.ForNumber(1) } })), grpcInvalid("context.daytime: objects are not feature values"));
        Grpc("grpc-bool-value", "a bool feature value", () => WithContext("daytime", Value.ForBool(false)), grpcInvalid("context.daytime: booleans are not feature values"));
        Grpc("grpc-list-with-number", "a list holding a number", () => WithContext("tags", Value.ForList(Value.ForString("a"), Value.ForNumber(2))), grpcInvalid("context.tags[1]: a list may hold strings only"));
        Grpc("grpc-value-without-kind", "a Value with no kind set (legal: missing)", () => WithContext("daytime", new Value()), Expected.Scored("no kind is missing"));
        Grpc("grpc-long-value", $"a {MaxValueLength + 1}-character value", () => WithContext("daytime", Value.ForString(new string('x', MaxValueLength + 1))), grpcInvalid($"context.daytime: string longer than {MaxValueLength} characters"));
        Grpc("grpc-20-digit-id-number", "a 20-digit id as a number value", () => WithContext("daytime", Value.ForNumber(10000169349117863715d)), grpcInvalid("context.daytime: expected a string (categorical), got an integer beyond 2^53"));
        Grpc("grpc-user-field-without-user", "no user_id although the model has a user field (legal)", () => WithContext("daytime", Value.ForString("night")), Expected.Scored("the user field is missing, masked"));

        // gRPC bytes no generated client sends.
        var valid = new ScoreRequest { Candidates = { new Candidate { ItemId = "i1" } } }.ToByteArray();
        Raw("raw-valid", "a well-formed frame (control case)", Frame(valid), Expected.Scored("control"));
        Raw("raw-unknown-fields", "a valid message plus unknown fields 99 (varint) and 100 (bytes)", Frame([.. valid, 0x98, 0x06, 0x01, 0xA2, 0x06, 0x03, (byte)'a', (byte)'b', (byte)'c']), Expected.Scored("unknown fields are skipped (forward compatibility)"));
        Raw("raw-wrong-wire-type", "field 5 (candidates) sent as a varint", Frame([0x28, 0x01]), Expected.Rpc(StatusCode.InvalidArgument, "candidates: at least 1 candidate is required"));
        Raw("raw-garbage", "random bytes as the message", Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]), Expected.Rpc(StatusCode.Unknown, "InvalidProtocolBufferException"));
        Raw("raw-zero-tag", "a zero byte as the message (tag 0)", Frame([0x00]), Expected.Rpc(StatusCode.Unknown, "invalid tag (zero)"));
        Raw("raw-truncated-submessage", "a candidate whose declared length runs past the end", Frame([0x2A, 0x32, 0x0A, 0x01, 0x61]), Expected.Rpc(StatusCode.Unknown, "InvalidProtocolBufferException"));
        Raw("raw-negative-length", "a candidate with length -1", Frame([0x2A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]), Expected.Rpc(StatusCode.Unknown, "InvalidProtocolBufferException"));
        Raw("raw-invalid-utf8", "item_id bytes 0xC3 0x28 (invalid UTF-8)", Frame([0x2A, 0x04, 0x0A, 0x02, 0xC3, 0x28]), Expected.Rpc(StatusCode.Unknown, "UTF-8"));
        Raw("raw-truncated-frame", "a frame header announcing 100 bytes, then 5", [0, 0, 0, 0, 100, .. valid[..Math.Min(5, valid.Length)]], Expected.Rpc(StatusCode.Internal, "Incomplete message"));
        Raw("raw-empty-body", "no frame at all", [], Expected.Rpc(StatusCode.Internal, "Incomplete message"));
        Raw("raw-two-messages", "two frames in a unary call", [.. Frame(valid), .. Frame(valid)], Expected.Rpc(StatusCode.Internal, "Additional data after the message received"));
        Raw("raw-frame-over-limit", "a frame header announcing 5 MiB (limit 4 MiB)", [0, 0, 0x50, 0, 0, .. valid], Expected.Rpc(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size"));
        Raw("raw-bad-compressed-flag", "compressed flag 2 in the frame header", [2, .. Frame(valid)[1..]], Expected.Rpc(StatusCode.Unknown, "Unexpected compressed flag value"));
        Raw("raw-compressed-without-encoding", "compressed flag 1 with no grpc-encoding", [1, .. Frame(valid)[1..]], Expected.Rpc(StatusCode.Internal, "did not include grpc-encoding"));
        Raw("raw-unsupported-encoding", "grpc-encoding: br", [1, .. Frame(valid)[1..]], Expected.Rpc(StatusCode.Unimplemented, "Unsupported grpc-encoding value 'br'"), headers: new Dictionary<string, string> { ["grpc-encoding"] = "br" });
        Raw("raw-bad-gzip", "grpc-encoding: gzip over bytes that are not gzip", [1, .. Frame(valid)[1..]], Expected.Rpc(StatusCode.Unknown, "InvalidDataException"), headers: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" });
        Raw("raw-wrong-content-type", "content-type application/json on the gRPC port", Frame(valid), Expected.Http(415, "Content-Type 'application/json' is not supported"), contentType: "application/json");

        return cases;
    }

    /// <summary>One gRPC length-prefixed message: flag 0, 4-byte big-endian length, the bytes.</summary>
    public static byte[] Frame(byte[] message)
    {
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A request to test-afm with one candidate and one context value.</summary>
    public static ScoreRequest WithContext(string name, Value value)
    {
        var r = new ScoreRequest { RequestId = "catalogue" };
        r.Context.Add(name, value);
        r.Candidates.Add(new Candidate { ItemId = "i1" });
        return r;
    }

    public static string CandidatesJson(int n) =>
        "{\"userId\":\"u1\",\"candidates\":[" + string.Join(',', Enumerable.Range(0, n).Select(i => $"{{\"itemId\":\"i{1 + i % 4}\"}}")) + "]}";

    private static ScoreRequest ManyCandidates(int n)
    {
        var r = new ScoreRequest();
        for (int i = 0; i < n; i++)
            r.Candidates.Add(new Candidate { ItemId = "i1" });
        return r;
    }

    private static byte[] OverLimitBody()
    {
        // A valid request padded by a long request id: the size alone is what is wrong.
        const string head = "{\"candidates\":[{\"itemId\":\"i1\"}],\"requestId\":\"";
        const string tail = "\"}";
        return Encoding.UTF8.GetBytes(head + new string('r', BodyLimit + 1 - head.Length - tail.Length) + tail);
    }

    private static byte[] Utf8With(string before, byte[] raw, string after) =>
        [.. Encoding.UTF8.GetBytes(before), .. raw, .. Encoding.UTF8.GetBytes(after)];

    /// <summary>How sample cells become JSON values.</summary>
    public enum RowStyle
    {
        /// <summary>Numeric columns as numbers, lists as lists, other cells as strings, empty cells null.</summary>
        Typed,

        /// <summary>As <see cref="Typed"/> but empty cells are "".</summary>
        EmptyAsEmptyString,

        /// <summary>Every cell a string, as read from CSV.</summary>
        AllStrings,

        /// <summary>As <see cref="Typed"/> but the id column is a JSON number.</summary>
        IdAsNumber,
    }

    public static string RowsJson(string? model, SampleRows sample, int rows, RowStyle style)
    {
        var candidates = new JsonArray();
        foreach (var row in sample.Rows.Take(rows))
        {
            var features = new JsonObject();
            for (int j = 0; j < sample.Columns.Length; j++)
                features[sample.Columns[j]] = Cell(sample, sample.Columns[j], row[j], style);
            candidates.Add(new JsonObject { ["features"] = features });
        }
        var body = new JsonObject { ["candidates"] = candidates };
        if (model is not null)
            body["model"] = model;
        return body.ToJsonString();
    }

    private static JsonNode? Cell(SampleRows sample, string column, string cell, RowStyle style)
    {
        if (style == RowStyle.AllStrings)
            return cell;
        if (cell.Length == 0)
            return style == RowStyle.EmptyAsEmptyString ? "" : null;
        if (style == RowStyle.IdAsNumber && column == "id")
            return JsonNode.Parse(cell);
        if (sample.Numeric.Contains(column))
            return double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);
        if (sample.MultiValued.Contains(column))
            return new JsonArray([.. cell.Split('^').Select(v => (JsonNode?)v)]);
        return cell;
    }

    private static ScoreRequest RowsRequest(string model, SampleRows sample, int rows)
    {
        var r = new ScoreRequest { Model = model };
        foreach (var row in sample.Rows.Take(rows))
        {
            var c = new Candidate();
            for (int j = 0; j < sample.Columns.Length; j++)
            {
                string column = sample.Columns[j], cell = row[j];
                c.Features.Add(column, cell.Length == 0 ? Value.ForNull()
                    : sample.Numeric.Contains(column) ? Value.ForNumber(double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture))
                    : Value.ForString(cell));
            }
            r.Candidates.Add(c);
        }
        return r;
    }
}
