"""The words synthetic recipes are made of: foods by popularity, their units, titles, tags, names.

Plain data, written compactly: word lists are strings split on whitespace by the generator.
"""

from __future__ import annotations

# Foods, most used first: "name/kind" ("_" for a space) and flags: "*" not vegetarian, "+" not
# vegan, "!" can star in a title. Meat, fish and bacon are "*!", cheese, butter and dairy "+".
FOODS = """
salt/season onion/count garlic/clove olive_oil/oil butter/butter black_pepper/season egg/egg+
all-purpose_flour/flour sugar/sweetener water/liquid lemon/count milk/liquid+ tomato/count!
carrot/root! chicken_stock/liquid* vegetable_oil/oil parsley/herb ground_cumin/spice rice/dry
potato/root! chicken_thighs/meat soy_sauce/sauce red_onion/count cilantro/herb
fresh_ginger/aromatic paprika/spice heavy_cream/liquid+ chopped_tomatoes/tin honey/sauce+
red_bell_pepper/count! lime/count brown_sugar/sweetener baking_powder/baking vanilla_extract/baking
parmesan/cheese cheddar/cheese chicken_breast/meat ground_beef/meat green_onion/count celery/stalk
dried_oregano/spice basil/herb thyme/herb chili_flakes/spice ground_coriander/spice
ground_turmeric/spice mushrooms/veg spinach/veg red_wine_vinegar/sauce dijon_mustard/sauce
coconut_milk/tin chickpeas/beans! spaghetti/pasta baking_soda/baking ground_cinnamon/spice
zucchini/count! broccoli/head sesame_oil/sauce tomato_paste/paste vegetable_stock/liquid
greek_yogurt/dairy bay_leaf/whole feta/cheese! shallot/count avocado/count! cucumber/count
white_wine/liquid fish_sauce/sauce* cumin_seeds/spice red_lentils/dry! black_beans/beans!
corn_kernels/frozen frozen_peas/frozen bacon/bacon mozzarella/cheese garam_masala/spice
smoked_paprika/spice cayenne_pepper/spice rosemary/herb mint/herb dill/herb jalapeño/count
green_beans/veg sweet_potato/root! cabbage/head cauliflower/head kale/veg eggplant/count!
maple_syrup/sauce rice_vinegar/sauce worcestershire_sauce/sauce* cornstarch/sauce breadcrumbs/dry
walnuts/nuts almonds/nuts peanuts/nuts sesame_seeds/nuts pine_nuts/nuts dark_chocolate/sweet
chocolate_chips/sweet rolled_oats/dry quinoa/dry! couscous/dry penne/pasta egg_noodles/pasta+
rice_noodles/pasta basmati_rice/dry arborio_rice/dry bread_flour/flour powdered_sugar/sweetener
caster_sugar/sweetener salmon/fish shrimp/fish cod/fish tuna/tin*! pork_shoulder/meat
pork_chop/piece*! ground_pork/meat lamb_shoulder/meat ground_lamb/meat beef_chuck/meat
sirloin_steak/meat sausage/piece*! chorizo/meat prosciutto/bacon firm_tofu/tofu! leek/count!
fennel_bulb/big! parsnip/root! beet/root! butternut_squash/big! asparagus/veg brussels_sprouts/veg
cherry_tomatoes/veg arugula/veg romaine_lettuce/head bok_choy/head red_cabbage/head radishes/veg
snow_peas/veg bean_sprouts/veg okra/veg green_chili/count red_chili/count poblano_pepper/count!
yellow_bell_pepper/count green_bell_pepper/count apple/count! pear/count! banana/count orange/count
mango/count! peach/count strawberries/berries blueberries/berries raspberries/berries raisins/nuts
dried_apricots/nuts dates/nuts pomegranate_seeds/nuts lemon_zest/spice lemon_juice/sauce
lime_juice/sauce orange_juice/liquid ground_ginger/spice ground_nutmeg/spice ground_allspice/spice
cardamom_pod/whole star_anise/whole fennel_seeds/spice mustard_seeds/spice coriander_seeds/spice
caraway_seeds/spice sumac/spice za'atar/spice five-spice_powder/spice curry_powder/spice
chili_powder/spice onion_powder/spice garlic_powder/spice dried_thyme/spice dried_basil/spice
italian_seasoning/spice herbes_de_provence/spice sichuan_peppercorns/spice white_pepper/season
ras_el_hanout/spice berbere/spice dried_rosemary/spice cinnamon_stick/whole vanilla_bean/whole
kosher_salt/season ketchup/sauce mayonnaise/sauce+ hoisin_sauce/sauce oyster_sauce/sauce*
sriracha/sauce hot_sauce/sauce gochujang/sauce miso_paste/paste tahini/paste peanut_butter/paste
harissa/paste pesto/paste+ red_curry_paste/paste* green_curry_paste/paste* balsamic_vinegar/sauce
apple_cider_vinegar/sauce white_wine_vinegar/sauce mirin/sauce shaoxing_wine/sauce
tamarind_paste/paste pomegranate_molasses/sauce molasses/sauce golden_syrup/sauce agave_syrup/sauce
capers/sauce kalamata_olives/nuts sun-dried_tomatoes/nuts anchovy_fillet/whole* beef_stock/liquid*
red_wine/liquid beer/liquid buttermilk/liquid+ oat_milk/liquid almond_milk/liquid
apple_juice/liquid passata/liquid coconut_cream/tin whole_wheat_flour/flour
self-raising_flour/flour cornmeal/dry polenta/dry! bulgur_wheat/dry farro/dry! pearl_barley/dry!
brown_rice/dry jasmine_rice/dry sushi_rice/dry wild_rice/dry lasagna_sheets/pasta+ macaroni/pasta
orzo/pasta fusilli/pasta linguine/pasta udon_noodles/pasta soba_noodles/pasta panko_breadcrumbs/dry
cocoa_powder/dry desiccated_coconut/nuts ground_almonds/dry chia_seeds/nuts flaxseed/nuts
pumpkin_seeds/nuts sunflower_seeds/nuts cashews/nuts pistachios/nuts hazelnuts/nuts pecans/nuts
green_lentils/dry! brown_lentils/dry yellow_split_peas/dry! kidney_beans/beans!
cannellini_beans/beans! pinto_beans/beans! butter_beans/beans! refried_beans/tin diced_tomatoes/tin
whole_peeled_tomatoes/tin crushed_tomatoes/tin sweetcorn/tin chipotle_in_adobo/sauce
pork_belly/meat pork_tenderloin/meat ham/meat turkey_breast/meat ground_turkey/meat
duck_breast/piece*! chicken_wings/meat whole_chicken/big*! chicken_drumsticks/meat
beef_brisket/meat short_ribs/meat flank_steak/meat pancetta/bacon italian_sausage/meat
lamb_chop/piece*! mussels/fish scallops/fish squid/fish crab_meat/fish smoked_salmon/fish
tuna_steak/piece*! sea_bass_fillet/piece*! haddock/fish tilapia/fish mackerel_fillet/piece*!
goat_cheese/cheese! ricotta/dairy cream_cheese/dairy mascarpone/dairy sour_cream/dairy
gruyère/cheese pecorino/cheese halloumi/cheese! paneer/cheese! blue_cheese/cheese
monterey_jack/cheese queso_fresco/cheese manchego/cheese gouda/cheese chives/herb tarragon/herb
sage/herb fresh_oregano/herb thai_basil/herb curry_leaf/whole lemongrass/stalk
makrut_lime_leaf/whole flour_tortilla/piece corn_tortilla/piece pita_bread/piece baguette/big
sourdough_bread/bread burger_bun/piece+ puff_pastry/sheet+ filo_pastry/sheet nori/sheet
rice_paper/sheet instant_yeast/baking gelatin/baking* egg_yolk/egg+ egg_white/egg+ tempeh/tofu!
seitan/tofu! edamame/frozen! frozen_spinach/frozen kimchi/veg* sauerkraut/veg
"""

# Unit choices by kind, "US options ; metric options" (one side: both), each "unit amount ...",
# "-" for no unit, "?" for "to taste". Repeated amounts weigh more; "2-3" is a range.
KINDS: dict[str, str] = {
    "season": "tsp 1/4 1/2 1 3/2 2 | pinch 1 | ? | ?",
    "count": "- 1/2 1 1 1 2 2 3 4 1-2",
    "egg": "- 1 2 2 3 4 6",
    "whole": "- 1 2 2 3 4",
    "big": "- 1 1 2",
    "piece": "- 1 2 2 4 6 8",
    "root": "- 1 2 3 4 | lb 1/2 1 3/2 2 ; - 1 2 3 4 | g 250 500 750 | kg 1",
    "clove": "clove 1 2 2 3 3 4 6 2-3",
    "oil": "tbsp 1 2 2 3 | cup 1/4 1/3 1/2 ; tbsp 1 2 2 3 | ml 50 100",
    "butter": "tbsp 1 2 3 4 | cup 1/4 1/2 1 | stick 1 2 ; g 25 50 75 100 125 200 250 | tbsp 1 2",
    "liquid": "cup 1/4 1/3 1/2 3/4 1 1 3/2 2 3 4 | tbsp 2 3 ; "
    "ml 50 100 125 150 200 250 300 400 500 750 | l 1 3/2",
    "sauce": "tbsp 1 1 2 2 3 | tsp 1 2 1-2",
    "spice": "tsp 1/4 1/2 1/2 1 1 3/2 2 1/2-1 | tbsp 1",
    "aromatic": "tbsp 1 2 | tsp 1 2 ; tbsp 1 2 | tsp 1 2 | g 10 20 30",
    "dry": "cup 1/4 1/3 1/2 3/4 1 1 3/2 2 3 | oz 8 12 | lb 1 ; "
    "g 50 100 125 150 200 250 300 400 500",
    "sweetener": "tsp 1 2 | tbsp 1 2 | cup 1/4 1/2 3/4 1 ; tsp 1 2 | tbsp 1 2 | g 50 100 150 200",
    "flour": "tbsp 1 2 | cup 1/4 1/2 1 3/2 2 3 ; tbsp 1 2 | g 50 100 150 200 250 300 500",
    "pasta": "oz 8 12 16 | lb 1 ; g 200 250 300 400 500",
    "baking": "tsp 1/4 1/2 1 3/2 2 | tbsp 1",
    "meat": "lb 1/2 3/4 1 1 3/2 2 3 | oz 6 8 12 ; g 200 250 300 400 500 500 600 750 | kg 1 3/2",
    "tofu": "oz 7 14 | lb 1 ; g 200 250 400 450",
    "fish": "lb 1/2 3/4 1 3/2 2 | oz 8 12 ; g 200 250 300 400 500 600",
    "veg": "cup 1 2 3 4 | oz 4 6 8 12 | lb 1/2 1 2 ; g 100 150 200 250 300 400 500",
    "herb": "cup 1/4 1/2 | tbsp 1 2 3 | bunch 1 | sprig 2 3 4 ; g 10 15 20 30 | bunch 1 | tbsp 1 2",
    "cheese": "cup 1/4 1/2 1 3/2 2 | oz 2 4 8 ; g 25 50 75 100 150 200 250",
    "dairy": "cup 1/4 1/2 1 | tbsp 2 3 | oz 4 8 ; g 100 150 200 250 500 | tbsp 2 3",
    "beans": "can 1 1 2 ; can 1 2 | g 400 800",
    "tin": "can 1 1 2",
    "nuts": "cup 1/4 1/3 1/2 1 | tbsp 1 2 ; g 25 50 75 100 150 | tbsp 1 2",
    "head": "head 1/2 1 1 2",
    "stalk": "stalk 1 2 3",
    "paste": "tbsp 1 2 3 | cup 1/4 ; tbsp 1 2 3 | g 50 100",
    "sweet": "cup 1/2 1 2 | oz 2 4 8 ; g 50 100 150 200",
    "berries": "cup 1/2 1 2 | oz 6 12 ; g 100 150 200 250",
    "frozen": "cup 1/2 1 2 ; g 100 150 200 300",
    "bacon": "slice 2 4 6 8 ; g 100 150 200 | slice 4 6",
    "sheet": "sheet 1 2 4",
    "bread": "slice 2 4 6 8",
}
# What a cook adds after the comma, by kind.
NOTES: dict[str, str] = {
    "count": "chopped|diced|finely chopped|sliced|thinly sliced|halved",
    "egg": "beaten|lightly beaten|at room temperature",
    "root": "peeled and diced|cut into chunks|grated|sliced",
    "clove": "minced|crushed|finely chopped|sliced",
    "veg": "sliced|chopped|trimmed|roughly chopped",
    "head": "shredded|chopped|cut into florets",
    "herb": "chopped|finely chopped|leaves picked",
    "cheese": "grated|crumbled|shredded",
    "meat": "diced|cut into bite-size pieces|trimmed|thinly sliced",
    "fish": "skin removed|cut into chunks",
    "beans": "drained and rinsed|drained",
    "butter": "softened|melted|cubed",
    "nuts": "toasted|roughly chopped",
    "stalk": "finely chopped|sliced",
    "aromatic": "grated|finely chopped",
    "tofu": "pressed and cubed|crumbled",
}
# Words of titles. A dish with a tag gives it ("Soup:soup").
ADJECTIVES = """Smoky Spicy Creamy Crispy Lemony Garlicky Herby Roasted Slow-Cooked Sticky Golden
Rustic Easy Weeknight Charred Honey-Glazed Zesty Hearty Simple Grandma's Peppery Fragrant"""
DISHES = """Stew Curry:curry Traybake Skillet Stir-Fry Bake Tacos Bowl Pasta:pasta Salad:salad
Soup:soup Pie Gratin Fritters Noodles:noodles Casserole Wraps Kebabs:grill Chili Hash Frittata
Risotto:rice Burgers:grill Flatbreads"""
DESSERTS = "Cake Loaf Muffins Crumble Tart Cookies Bars Pudding Galette Cobbler"
DESSERT_HEROES = """apple banana lemon blueberries strawberries raspberries pear orange
dark_chocolate carrot peach mango"""
DESSERT_BASE = "all-purpose_flour sugar butter egg baking_powder"
DESSERT_EXTRAS = """vanilla_extract salt milk ground_cinnamon brown_sugar lemon_zest walnuts
heavy_cream ground_nutmeg almonds pecans chocolate_chips raisins rolled_oats maple_syrup honey
ground_almonds desiccated_coconut buttermilk powdered_sugar"""

# Tags: cuisines most used first; courses weighted by repetition.
CUISINES = """italian american mexican indian chinese french thai japanese british greek
middle-eastern korean spanish vietnamese moroccan caribbean turkish ethiopian german brazilian
peruvian filipino"""
COURSES = "dinner " * 11 + "lunch " * 4 + "side side breakfast snack"
EXTRA_TAGS = """quick weeknight make-ahead one-pot freezer-friendly spicy healthy budget family
comfort-food meal-prep summer winter"""

SERVE = (
    "with rice",
    "with crusty bread",
    "with warm flatbreads",
    "with a green salad",
    "straight away",
    "with lemon wedges",
    "over noodles",
    "with mashed potatoes",
)
FILLERS = (
    "Taste and adjust the seasoning.",
    "Leave to rest for 5 minutes before serving.",
    "If the sauce looks too thick, loosen it with a splash of water.",
    "Spoon into warm bowls.",
    "Leftovers keep in the fridge for up to three days.",
    "Check that everything is piping hot.",
)
BLURBS = (
    "Great for a weeknight.",
    "It keeps well for three days in the fridge.",
    "Easily made ahead.",
    "Double it and freeze half.",
    "Good with rice or flatbreads.",
    "A family favourite.",
    "",
)

FIRST_NAMES = """Ana Ben Chloé Dev Emma Farid Grace Hiro Isla Jamal Kofi Lena Mateo Nia Omar Priya
Quinn Rosa Sam Tariq Uma Viktor Wen Ximena Yusuf Zoë Aiko Bruno Chen Dina Elif Femi"""
LAST_NAMES = """Silva Smith Okafor Nguyen Kim García Müller Rossi Patel Cohen Haddad Tanaka
Kowalski Johansson Mensah Dubois Santos Ivanova Brown Singh Hassan Murphy Novak Park Costa"""
