"""Supermarket aisles and the table that places a food key in one.

A key not in the table is placed by its words: a leading "frozen", "canned" or "dried" says
where it is sold, then the longest known ending ("cheddar cheese" -> "cheese"), then the
longest known beginning ("chicken thigh" -> "chicken"); anything else is "other".
Every name in the table is written as `recipebox.domain.foods.food_key` returns it
(lower case, singular, no punctuation); a unit test holds the table to that.
"""

from __future__ import annotations

from functools import lru_cache

# Display order: the route through a typical shop, with the unplaceable last.
AISLES: tuple[str, ...] = (
    "produce",
    "dairy & eggs",
    "meat & fish",
    "bakery",
    "pantry",
    "spices",
    "frozen",
    "drinks",
    "other",
)

_TABLE: dict[str, str] = {
    "produce": """
        cavolo nero, curry leaf, makrut lime leaf, kaffir lime leaf, lime leaf, thai basil, apple,
        apricot, artichoke, arugula, rocket, asparagus, avocado, banana, basil, bean sprout, beet,
        beetroot, bell pepper, red bell pepper, green bell pepper, yellow bell pepper,
        orange bell pepper, red pepper, green pepper, yellow pepper, sweet pepper, blackberry,
        blueberry, bok choy, broccoli, broccolini, brussels sprout, butternut squash, cabbage,
        red cabbage, napa cabbage, cantaloupe, carrot, cauliflower, celery, celeriac, chard,
        swiss chard, cherry, cherry tomato, grape tomato, chili, chili pepper, red chili,
        green chili, jalapeno, jalapeno pepper, serrano, habanero, poblano, poblano pepper,
        hot pepper, chive, cilantro, clementine, collard greens, corn, corn on the cob, cranberry,
        cucumber, english cucumber, date, dill, eggplant, endive, fennel, fig, garlic, ginger,
        grape, grapefruit, green bean, green onion, red onion, white onion, shallot, onion, herb,
        honeydew, kale, kiwi, leek, lemon, lemon juice, lemon zest, lime, lime juice, lime zest,
        orange zest, zest, lemongrass, lettuce, romaine, romaine lettuce, iceberg lettuce, mango,
        melon, mint, mushroom, button mushroom, cremini mushroom, portobello mushroom,
        shiitake mushroom, nectarine, okra, orange, papaya, parsley, parsnip, passion fruit, pea,
        snap pea, snow pea, sugar snap pea, peach, pear, pineapple, plum, pomegranate, potato,
        sweet potato, yukon gold potato, russet potato, red potato, new potato, pumpkin, radish,
        raspberry, rhubarb, rosemary, sage, salad, spinach, baby spinach, spring mix, mixed greens,
        squash, strawberry, tarragon, thyme, tomato, tomatillo, turnip, watercress, watermelon, yam,
        zucchini, radicchio, kohlrabi, jicama, plantain, persimmon, lychee, coconut, chervil,
        marjoram, sorrel, berry, fruit, vegetable, sprout, microgreen, tofu, tempeh
    """,
    "dairy & eggs": """
        queso fresco, milk, whole milk, skim milk, semi skimmed milk, buttermilk, butter, ghee,
        cream, heavy cream, light cream, single cream, sour cream, creme fraiche, half and half,
        yogurt, greek yogurt, cheese, cheddar, mozzarella, parmesan, pecorino, pecorino romano,
        ricotta, feta, goat cheese, cream cheese, cottage cheese, mascarpone, gruyere, brie,
        camembert, halloumi, paneer, provolone, monterey jack, swiss cheese, blue cheese,
        gorgonzola, manchego, emmental, egg, egg yolk, egg white, margarine, custard, whipped cream,
        quark, kefir, oat milk, almond milk, soy milk
    """,
    "meat & fish": """
        chicken, chicken breast, chicken thigh, chicken wing, chicken leg, drumstick, whole chicken,
        ground chicken, turkey, ground turkey, beef, ground beef, steak, sirloin, ribeye,
        flank steak, brisket, chuck, mince, pork, ground pork, pork chop, pork loin, pork shoulder,
        pork belly, pork tenderloin, bacon, pancetta, prosciutto, ham, sausage, italian sausage,
        chorizo, salami, pepperoni, hot dog, lamb, ground lamb, lamb shoulder, leg of lamb, veal,
        duck, venison, liver, fish, salmon, tuna, cod, haddock, halibut, tilapia, trout, mackerel,
        sardine, shrimp, prawn, crab, lobster, scallop, mussel, clam, oyster, squid, calamari,
        octopus, sea bass, snapper, swordfish, thigh, breast, wing, fillet, loin, rib, short rib,
        spare rib, meatball, tenderloin, oxtail
    """,
    "bakery": """
        injera, bread cube, bread, white bread, whole wheat bread, sourdough, sourdough bread,
        baguette, roll, bread roll, bun, hamburger bun, hot dog bun, pita, pita bread, naan,
        tortilla, flour tortilla, corn tortilla, croissant, bagel, english muffin, muffin, brioche,
        ciabatta, focaccia, rye bread, pizza dough, pie crust, cake, loaf, flatbread, wrap, crumpet,
        challah, cornbread, cookie, biscuit, cracker bread
    """,
    "pantry": """
        gochujang, doubanjiang, kimchi, kombu, seaweed, nori, flour, bread flour, cake flour,
        whole wheat flour, self raising flour, almond flour, rice flour, cornmeal, polenta,
        semolina, sugar, brown sugar, light brown sugar, dark brown sugar, powdered sugar,
        caster sugar, honey, maple syrup, molasses, corn syrup, golden syrup, agave, agave syrup,
        baking powder, baking soda, yeast, active dry yeast, instant yeast, cornstarch, vanilla,
        vanilla extract, almond extract, cocoa, cocoa powder, chocolate, dark chocolate,
        chocolate chip, rice, white rice, brown rice, basmati rice, jasmine rice, arborio rice,
        wild rice, pasta, spaghetti, penne, macaroni, fusilli, linguine, fettuccine, lasagna, orzo,
        rigatoni, gnocchi, noodle, egg noodle, rice noodle, ramen, udon, soba, couscous, quinoa,
        bulgur, barley, oats, rolled oats, lentil, red lentil, chickpea, black bean, kidney bean,
        cannellini bean, white bean, pinto bean, bean, baked bean, refried bean, crushed tomato,
        tomato paste, tomato sauce, tomato puree, passata, sun dried tomato, stock, broth,
        chicken stock, beef stock, vegetable stock, bouillon, hummus, coconut milk, coconut cream,
        evaporated milk, condensed milk, sweetened condensed milk, oil, olive oil, canola oil,
        sunflower oil, sesame oil, coconut oil, peanut oil, avocado oil, cooking spray, vinegar,
        balsamic vinegar, red wine vinegar, white wine vinegar, apple cider vinegar, rice vinegar,
        cider vinegar, sherry vinegar, soy sauce, tamari, fish sauce, oyster sauce, hoisin sauce,
        worcestershire sauce, hot sauce, sriracha, ketchup, mustard, dijon mustard,
        whole grain mustard, mayonnaise, bbq sauce, salsa, pesto, tahini, peanut butter,
        almond butter, jam, jelly, marmalade, nut, almond, walnut, pecan, cashew, peanut, pistachio,
        hazelnut, pine nut, seed, sesame seed, sunflower seed, pumpkin seed, chia seed, flaxseed,
        raisin, prune, shredded coconut, desiccated coconut, breadcrumb, panko, crouton, cracker,
        tortilla chip, chip, cereal, granola, olive, kalamata olive, caper, pickle, gherkin,
        sauerkraut, curry paste, red curry paste, green curry paste, miso, harissa, anchovy,
        canned tuna, gelatin, sprinkle, marshmallow, roasted red pepper, chipotle in adobo,
        chipotle, water chestnut, bamboo shoot, artichoke heart, mirin, rice paper, sauce, syrup,
        extract, paste
    """,
    "spices": """
        spice blend, berbere, salt, pepper, white pepper, peppercorn, cinnamon, cinnamon stick,
        cumin, cumin seed, coriander, ground coriander, coriander seed, paprika, smoked paprika,
        cayenne, chili powder, red pepper flake, garlic powder, onion powder, ground ginger,
        ginger powder, turmeric, nutmeg, clove, allspice, cardamom, star anise, fennel seed,
        mustard seed, caraway seed, celery seed, oregano, bay leaf, curry powder, garam masala,
        italian seasoning, herbes de provence, five spice, zaatar, sumac, saffron, seasoning, spice,
        powder, celery salt, garlic salt, mace, dried herb
    """,
    "frozen": """
        ice, ice cream, frozen pea, frozen corn, frozen spinach, frozen berry, puff pastry, phyllo,
        sorbet
    """,
    "drinks": """
        marsala, water, sparkling water, soda water, club soda, juice, orange juice, apple juice,
        coffee, espresso, tea, wine, red wine, white wine, dry white wine, beer, cider, sake, rum,
        brandy, vodka, whisky, bourbon, tequila, gin, sherry, port, vermouth, soda, cola, lemonade,
        ginger ale, tonic water, kombucha
    """,
}

AISLE_OF: dict[str, str] = {
    " ".join(name.split()): aisle for aisle, names in _TABLE.items() for name in names.split(",")
}

# A first word that says how the food is sold, whatever it is.
_FORMS: dict[str, str] = {"frozen": "frozen", "canned": "pantry", "tinned": "pantry"}

# Herbs: fresh they are produce, dried they are spices.
_HERB_NAMES = "basil thyme rosemary parsley dill mint sage tarragon chive oregano marjoram cilantro"
HERBS: frozenset[str] = frozenset(_HERB_NAMES.split())


@lru_cache(maxsize=4096)
def aisle_of(food: str) -> str:
    """The aisle a food key is sold in; "other" when nothing in the table matches."""
    if food in AISLE_OF:
        return AISLE_OF[food]
    words = food.split()
    if len(words) > 1:
        if words[0] in _FORMS:
            return _FORMS[words[0]]
        if words[0] == "dried":
            rest = " ".join(words[1:])
            return "spices" if rest in HERBS or aisle_of(rest) == "spices" else "pantry"
    for start in range(1, len(words)):
        ending = " ".join(words[start:])
        if ending in AISLE_OF:
            return AISLE_OF[ending]
    for end in range(len(words) - 1, 0, -1):
        beginning = " ".join(words[:end])
        if beginning in AISLE_OF:
            return AISLE_OF[beginning]
    return "other"
