"""The DynamoDB backend: `dynamodb://TABLE?region=REGION[&endpoint_url=URL]`, one table.

Single-table design. Keys are strings `pk` (partition) and `sk` (sort); in `time#id` below,
time is the recipe's fixed-width UTC creation time, so these sort keys go oldest to newest.

    pk                       sk                    what (access pattern)
    RECIPE#id                RECIPE                recipe: JSON record `data`, card `summary`,
                                                   version `v`, its index keys `ix` (GetItem,
                                                   BatchGetItem)
    RECIPE#id                SELBY#user            who selected it (delete_recipe cleans up)
    RECENT                   time#id               card summary: home page, newest first (Query
                                                   descending)
    RECENT | T#tag | O#user  ~COUNT                counter `n`: sorts last, so the descending
                                                   Query of a page returns it first
    T#tag | O#user           time#id               tag / owner postings (Query, newest first)
    W#abc                    time#id               word postings: map `m` of the recipe's words
                                                   starting "abc" -> weight (Query per query
                                                   word; see search.py)
    TITLE#sha256(title)      time#id               find_recipe_by_title (Query + GetItem)
    TAGS                     tag                   tag counter `n` (tags(): one Query)
    USER#user                PROFILE               user
    USER#user                IDENT#provider#subj   the user's identities (Query begins_with)
    USER#user                TOKEN#id              the user's access tokens
    USER#user                L#SEL#recipe          selection (servings, added_at)
    USER#user                L#ITEM#id             manual list item (checked)
    USER#user                L#CHECKED#line-key    a checked shopping line (put = check,
                                                   delete = uncheck: atomic, no read first)
    USER#user                L#STAPLES             staples list
    IDENTITY#provider#subj   IDENTITY              sign-in lookup; unique by conditional put
    TOKENHASH#sha256         TOKENHASH             user_for_token lookup

Entity items (recipes, users, identities, tokens, selections, list items, checked lines,
staples) also carry `kind`: the sparse GSI `by_kind` (kind, pk; projection ALL) lists each
kind for `dump`. Every other read is on the table and strongly consistent; nothing Scans.

Requests per operation (more only past 1 MB of results, or 100 recipes to fetch):
home page (`search_recipes("")`) 1 Query, total included; tag or owner page 1 Query +
1 BatchGetItem; search with k words k Queries (+1 per filter) + 1 BatchGetItem; get_recipe
1 GetItem; find_recipe_by_title 1 Query + 1 GetItem; shopping_data 1 Query + 1 BatchGetItem;
count_recipes, tags() 1 each; user_for_identity, user_for_token 2 GetItems.

Hot partitions: RECENT receives every new recipe and serves the home page; its counter takes
one write per add_recipe (and per add_recipes call). On-demand tables split busy partitions,
but one item is limited to 1,000 writes/s and a partition to 3,000 reads/s: ample for this
site (100k recipes, seeding at a few hundred recipes/s). Beyond that, shard RECENT into
RECENT#0..n-1 by a hash of the id and merge n Queries (not done). Common word beginnings
("sal") make long posting partitions: a query word reads all of its partition (some 80 bytes
per recipe, so one 1 MB page per ~12k recipes), and a filter combined with words reads the
tag's or owner's postings (keys only). The `by_kind` index has one partition per kind,
written as often as items of that kind are.

Writes: recipe writes, identities, tokens and selections use TransactWriteItems with
conditions (attribute_not_exists for uniqueness, version `v` for recipe updates, a
ConditionCheck that the user/recipe exists); bulk writes (`add_recipes`, `load`) use
BatchWriteItem, 25 at a time, retrying unprocessed items with exponential backoff.
"""

from __future__ import annotations

from recipebox.store.dynamodb.store import DynamoStore

# What the app needs on `arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE` and on
# `.../table/TABLE/index/*` (Query on by_kind). Transactions need no action of their own:
# IAM checks each Put/Update/Delete inside them, and ConditionCheckItem for condition checks.
IAM_ACTIONS: tuple[str, ...] = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)

# Additionally needed by `recipebox db upgrade` (creating the table and its index).
UPGRADE_IAM_ACTIONS: tuple[str, ...] = (
    "dynamodb:CreateTable",
    "dynamodb:DescribeTable",
    "dynamodb:UpdateTable",
)

__all__ = ["IAM_ACTIONS", "UPGRADE_IAM_ACTIONS", "DynamoStore"]
