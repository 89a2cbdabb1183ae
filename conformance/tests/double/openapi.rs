//! The double's own OpenAPI 3.1 document (strict: no `nullable`).

use serde_json::{Map, Value, json};

fn list_of(item: &str) -> Value {
    json!({"type": "object", "required": ["data", "meta", "_links"], "properties": {
        "data": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}},
        "meta": {"$ref": "#/components/schemas/Meta"},
        "_links": {"type": "object", "required": ["self"], "properties": {"self": {"$ref": "#/components/schemas/Link"}}}
    }})
}

fn resp(schema: Value) -> Value {
    json!({"description": "ok", "content": {"application/json": {"schema": schema}}})
}

fn problem() -> Value {
    json!({"description": "problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

fn op(ok: Value, errors: &[u16]) -> Value {
    let mut r = Map::new();
    r.insert("200".into(), resp(ok));
    for e in errors {
        r.insert(e.to_string(), problem());
    }
    json!({"responses": r})
}

pub fn document() -> Value {
    let game = json!({"type": "object", "required": ["id", "slug", "name", "type"], "properties": {
        "id": {"type": "string", "format": "uuid"},
        "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "name": {"type": "string"},
        "sort_name": {"type": "string"},
        "type": {"enum": ["base_game", "expansion", "standalone_expansion", "promo", "accessory", "fan_expansion"]},
        "mode": {"enum": ["cooperative", "competitive", "solo", "team", "mixed"]},
        "parent_game_id": {"type": "string", "format": "uuid"},
        "min_players": {"type": "integer", "minimum": 1},
        "max_players": {"type": "integer", "minimum": 1},
        "weight": {"type": "number", "minimum": 1, "maximum": 5},
        "year_published": {"type": "integer"},
        "bayes_rating": {"type": "number", "minimum": 0, "maximum": 10},
        "mechanics": {"type": "array", "items": {"$ref": "#/components/schemas/Term"}},
        "themes": {"type": "array", "items": {"$ref": "#/components/schemas/Term"}},
        "categories": {"type": "array", "items": {"$ref": "#/components/schemas/Term"}},
        "_links": {"type": "object"}
    }});
    let schemas = json!({
        "Game": game,
        "Term": {"type": "object", "required": ["id", "slug", "name"], "properties": {"id": {"type": "string"}, "slug": {"type": "string"}, "name": {"type": "string"}, "game_count": {"type": "integer", "minimum": 0}}},
        "Link": {"type": "object", "required": ["href"], "properties": {"href": {"type": "string"}}},
        "Meta": {"type": "object", "required": ["total", "limit", "has_more"], "properties": {
            "total": {"type": "integer", "minimum": 0}, "limit": {"type": "integer", "minimum": 1, "maximum": 100},
            "has_more": {"type": "boolean"}, "next_cursor": {"type": "string"}, "prev_cursor": {"type": "string"}}},
        "Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {
            "type": {"type": "string", "format": "uri"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}, "instance": {"type": "string", "format": "uri"},
            "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"]}}}},
        "EffectiveProperties": {"type": "object", "required": ["base", "effective", "applied_expansions", "combination_source"], "properties": {
            "applied_expansions": {"type": "array", "items": {"type": "string"}},
            "combination_source": {"enum": ["explicit", "computed", "base_only"]}}},
        "SearchResult": {"type": "object", "required": ["result_type", "score"], "properties": {
            "result_type": {"enum": ["game", "designer", "publisher", "mechanic", "category"]},
            "score": {"type": "number", "minimum": 0, "maximum": 1}}},
        "ExportManifest": {"type": "object", "required": ["format", "row_count", "schema_version", "generated_at"], "properties": {
            "format": {"enum": ["jsonl", "csv"]}, "row_count": {"type": "integer", "minimum": 0},
            "schema_version": {"type": "string"}, "generated_at": {"type": "string", "format": "date-time"}}}
    });
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let any = json!({"type": "object"});
    let mut paths = Map::new();
    let mut add = |p: &str, method: &str, o: Value| {
        let entry = paths.entry(p.to_owned()).or_insert_with(|| json!({}));
        entry[method] = o;
    };
    add("/games", "get", op(list_of("Game"), &[400, 422]));
    add("/games/search", "post", op(list_of("Game"), &[400, 422]));
    add("/games/{id}", "get", op(r("Game"), &[404]));
    add(
        "/games/{id}/expansions",
        "get",
        op(list_of("Game"), &[400, 404]),
    );
    add(
        "/games/{id}/effective-properties",
        "get",
        op(r("EffectiveProperties"), &[404, 422]),
    );
    add("/games/{id}/editions", "get", op(any.clone(), &[404]));
    add("/games/{id}/relationships", "get", op(any.clone(), &[404]));
    add(
        "/games/{id}/experience-playtime",
        "get",
        op(any.clone(), &[404]),
    );
    for l in ["/mechanics", "/categories", "/designers", "/publishers"] {
        add(l, "get", op(list_of("Term"), &[400]));
    }
    add("/designers/{id}", "get", op(r("Term"), &[404]));
    add("/publishers/{id}", "get", op(r("Term"), &[404]));
    add("/search", "get", op(list_of("SearchResult"), &[400]));
    add(
        "/export/games",
        "get",
        json!({"responses": {
            "200": {"description": "export", "content": {"application/jsonl": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
            "400": problem(), "422": problem()}}),
    );
    json!({"openapi": "3.1.0", "info": {"title": "double", "version": "0.1.0"}, "paths": paths, "components": {"schemas": schemas}})
}
