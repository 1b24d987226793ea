"""The demo mall: five shops with their own attribute schemas, a category tree
and 65 bilingual products. Data only; mall/seed.py turns it into records."""

from __future__ import annotations

# (slug, en, zh_Hant, [(child slug, en, zh_Hant), ...])
CATEGORIES = [
    ("tea", "Tea", "茶葉", [("oolong", "Oolong tea", "烏龍茶"), ("green-tea", "Green tea", "綠茶"),
                           ("black-tea", "Black tea", "紅茶")]),
    ("electronics", "Electronics", "3C 電子", [("audio", "Audio", "耳機音響"),
                                              ("phone-accessories", "Phone accessories", "手機配件"),
                                              ("computer", "Computer accessories", "電腦周邊")]),
    ("clothing", "Clothing", "服飾", [("tops", "Tops", "上衣"), ("outerwear", "Outerwear", "外套"),
                                     ("accessories", "Accessories", "配件")]),
    ("books", "Books", "書籍", [("fiction", "Fiction", "小說"), ("cooking", "Cooking", "料理"),
                               ("travel", "Travel", "旅遊")]),
    ("home", "Home", "居家", [("kitchen", "Kitchen", "廚房"), ("bedding", "Bedding", "寢具"),
                             ("decor", "Decor", "擺飾")]),
]

# Attribute definitions per shop: (key, label, type, unit, required, options)
SHOPS = [
    {
        "owner": "merchant1@demo.mall", "slug": "mountain-tea", "name": "山茶行 Mountain Tea House",
        "category": "tea", "theme": "#2f7d4a",
        "description": "Family tea farm from Nantou since 1968. 南投鹿谷三代茶農，產地直送。",
        "announcement": "新茶上市！Spring harvest is in — free tasting notes with every order.",
        "about": "We grow and roast our own oolong on the slopes of Dongding mountain.\n我們在凍頂山自種自焙烏龍茶。",
        "attributes": [
            ("origin", "Origin 產地", "enum", "", True, ["凍頂 Dongding", "阿里山 Alishan", "梨山 Lishan", "坪林 Pinglin",
                                                     "日月潭 Sun Moon Lake", "新竹 Hsinchu"]),
            ("roast", "Roast 焙火", "enum", "", False, ["light 輕焙", "medium 中焙", "heavy 重焙"]),
            ("weight", "Net weight 淨重", "number", "g", True, []),
            ("organic", "Organic 有機", "boolean", "", False, []),
        ],
    },
    {
        "owner": "merchant2@demo.mall", "slug": "soundlife", "name": "聲活電子 SoundLife Electronics",
        "category": "electronics", "theme": "#1f5fbf",
        "description": "Audio and accessories, tested in Taipei. 台北實測的耳機與配件。",
        "announcement": "Two-year warranty on every pair of earphones. 耳機全面兩年保固。",
        "about": "A small team of audio nerds. We only sell what we use every day.",
        "attributes": [
            ("brand", "Brand 品牌", "text", "", True, []),
            ("connectivity", "Connectivity 連接方式", "enum", "", True, ["Bluetooth", "Wired 有線", "USB-C", "Wi-Fi"]),
            ("battery", "Battery life 續航", "number", "h", False, []),
            ("anc", "Noise cancelling 主動降噪", "boolean", "", False, []),
            ("warranty", "Warranty 保固", "number", "months", False, []),
        ],
    },
    {
        "owner": "merchant3@demo.mall", "slug": "cloth-and-thread", "name": "布衣坊 Cloth & Thread",
        "category": "clothing", "theme": "#8a4fb3",
        "description": "Everyday clothes in natural fibres. 天然材質的日常服飾。",
        "announcement": "Free size exchange within 14 days. 14 天內免費換尺寸。",
        "about": "Designed in Tainan, sewn in small batches.",
        "attributes": [
            ("material", "Material 材質", "enum", "", True, ["cotton 棉", "linen 亞麻", "wool 羊毛", "polyester 聚酯纖維",
                                                         "down 羽絨", "denim 丹寧"]),
            ("fit", "Fit 版型", "enum", "", False, ["slim 修身", "regular 標準", "relaxed 寬鬆"]),
            ("washable", "Machine washable 可機洗", "boolean", "", False, []),
        ],
    },
    {
        "owner": "merchant4@demo.mall", "slug": "bookworm", "name": "書香閣 Bookworm Pavilion",
        "category": "books", "theme": "#b5651d",
        "description": "Independent bookshop in Daan. 大安區的獨立書店。",
        "announcement": "Signed copies while they last. 作者簽名書限量供應。",
        "about": "Books we have read and loved, picked one at a time.",
        "attributes": [
            ("author", "Author 作者", "text", "", True, []),
            ("publisher", "Publisher 出版社", "text", "", False, []),
            ("pages", "Pages 頁數", "number", "", False, []),
            ("language", "Language 語言", "enum", "", True, ["繁體中文 Traditional Chinese", "English"]),
        ],
    },
    {
        "owner": "merchant5@demo.mall", "slug": "good-living", "name": "好生活居家 Good Living Home",
        "category": "home", "theme": "#c0392b",
        "description": "Kitchen, bedding and small things that make a home. 廚房、寢具與生活小物。",
        "announcement": "Orders over NT$1,500 ship free. 滿 1,500 免運。",
        "about": "We work with makers across Taiwan: potters in Yingge, woodworkers in Sanyi.",
        "attributes": [
            ("material", "Material 材質", "enum", "", True, ["ceramic 陶瓷", "glass 玻璃", "cast iron 鑄鐵", "bamboo 竹",
                                                         "cotton 棉", "linen 亞麻", "wood 木", "stainless steel 不鏽鋼",
                                                         "wax 蠟", "down 羽絨"]),
            ("dimensions", "Dimensions 尺寸", "text", "", False, []),
            ("dishwasher_safe", "Dishwasher safe 可用洗碗機", "boolean", "", False, []),
        ],
    },
]

PENDING_APPLICATION = {
    "owner": "merchant6@demo.mall", "slug": "tea-and-coffee", "name": "茶與咖啡 Tea & Coffee Corner",
    "category": "food", "description": "Coffee beans and tea from small farms. 小農咖啡豆與茶。",
}

# Products per shop slug: (category slug, en, zh_Hant, price in whole TWD, stock, attributes, variants)
# variants: None = one SKU; or ({dimension: [values]}, {value: price delta in TWD})
_S = {"size": ["S", "M", "L", "XL"]}
_SC = {"size": ["S", "M", "L"], "colour": ["black 黑", "white 白", "navy 藏青"]}
_G = {"weight": ["75g", "150g", "300g"]}

PRODUCTS = {
    "mountain-tea": [
        ("oolong", "Dongding Oolong Tea", "凍頂烏龍茶", 680, 120, {"origin": "凍頂 Dongding", "roast": "medium 中焙", "weight": 150, "organic": False}, (_G, {"75g": -300, "300g": 600})),
        ("oolong", "Alishan High Mountain Oolong", "阿里山高山烏龍茶", 980, 80, {"origin": "阿里山 Alishan", "roast": "light 輕焙", "weight": 150, "organic": True}, (_G, {"75g": -450, "300g": 900})),
        ("oolong", "Lishan Oolong Tea", "梨山烏龍茶", 1280, 40, {"origin": "梨山 Lishan", "roast": "light 輕焙", "weight": 150, "organic": False}, None),
        ("oolong", "Oriental Beauty Tea", "東方美人茶", 1150, 35, {"origin": "新竹 Hsinchu", "roast": "medium 中焙", "weight": 75, "organic": True}, None),
        ("oolong", "Wenshan Baozhong Tea", "文山包種茶", 720, 60, {"origin": "坪林 Pinglin", "roast": "light 輕焙", "weight": 150, "organic": False}, None),
        ("oolong", "Osmanthus Oolong Tea", "桂花烏龍茶", 520, 90, {"origin": "凍頂 Dongding", "roast": "light 輕焙", "weight": 100, "organic": False}, None),
        ("oolong", "Tieguanyin Heavy Roast", "鐵觀音", 860, 50, {"origin": "坪林 Pinglin", "roast": "heavy 重焙", "weight": 150, "organic": False}, None),
        ("black-tea", "Sun Moon Lake Black Tea", "日月潭紅茶", 750, 70, {"origin": "日月潭 Sun Moon Lake", "roast": "medium 中焙", "weight": 100, "organic": True}, None),
        ("black-tea", "Honey-Scented Black Tea", "蜜香紅茶", 640, 65, {"origin": "新竹 Hsinchu", "roast": "medium 中焙", "weight": 100, "organic": False}, None),
        ("green-tea", "Biluochun Green Tea", "碧螺春綠茶", 580, 55, {"origin": "坪林 Pinglin", "weight": 100, "organic": True}, None),
        ("green-tea", "Longjing Green Tea", "龍井綠茶", 690, 45, {"origin": "坪林 Pinglin", "weight": 100, "organic": False}, None),
        ("green-tea", "Cold Brew Tea Bags (20 bags)", "冷泡茶包組（20 入）", 320, 200, {"origin": "阿里山 Alishan", "weight": 60, "organic": False}, None),
        ("black-tea", "Assam Black Tea No. 18", "台茶18號紅玉紅茶", 890, 3, {"origin": "日月潭 Sun Moon Lake", "roast": "medium 中焙", "weight": 100, "organic": True}, None),
    ],
    "soundlife": [
        ("audio", "Bluetooth Earphones Air", "藍牙耳機 Air", 1990, 150, {"brand": "SoundLife", "connectivity": "Bluetooth", "battery": 28, "anc": False, "warranty": 24}, ({"colour": ["black 黑", "white 白"]}, {})),
        ("audio", "Noise-Cancelling Headphones Pro", "主動降噪耳罩式耳機 Pro", 6990, 40, {"brand": "SoundLife", "connectivity": "Bluetooth", "battery": 40, "anc": True, "warranty": 24}, None),
        ("audio", "Sport Earphones", "運動藍牙耳機", 1490, 90, {"brand": "FitBeat", "connectivity": "Bluetooth", "battery": 12, "anc": False, "warranty": 12}, None),
        ("audio", "Wired Earphones with Mic", "有線耳機（附麥克風）", 390, 300, {"brand": "SoundLife", "connectivity": "Wired 有線", "warranty": 12}, None),
        ("audio", "USB-C Earphones", "USB-C 耳機", 590, 120, {"brand": "SoundLife", "connectivity": "USB-C", "warranty": 12}, None),
        ("audio", "Portable Bluetooth Speaker", "攜帶型藍牙喇叭", 2490, 60, {"brand": "Boomi", "connectivity": "Bluetooth", "battery": 18, "warranty": 12}, None),
        ("phone-accessories", "Power Bank 10000mAh", "行動電源 10000mAh", 890, 200, {"brand": "Voltz", "connectivity": "USB-C", "warranty": 12}, None),
        ("phone-accessories", "65W Fast Charger", "65W 快充充電器", 1190, 150, {"brand": "Voltz", "connectivity": "USB-C", "warranty": 24}, None),
        ("phone-accessories", "USB-C Braided Cable 2m", "USB-C 編織傳輸線 2 公尺", 290, 500, {"brand": "Voltz", "connectivity": "USB-C", "warranty": 6}, None),
        ("phone-accessories", "Clear Phone Case", "透明防摔手機殼", 490, 250, {"brand": "ShellGuard", "connectivity": "Wired 有線"}, ({"model": ["iPhone 16", "iPhone 17", "Pixel 10"]}, {})),
        ("computer", "Wireless Mouse", "無線滑鼠", 690, 120, {"brand": "Clicky", "connectivity": "Bluetooth", "battery": 300, "warranty": 12}, None),
        ("computer", "Mechanical Keyboard (Zhuyin)", "機械鍵盤（注音版）", 2890, 35, {"brand": "Clicky", "connectivity": "USB-C", "warranty": 24}, ({"switch": ["red 紅軸", "brown 茶軸", "blue 青軸"]}, {})),
        ("computer", "HD Webcam", "高畫質網路攝影機", 1590, 0, {"brand": "Lumo", "connectivity": "USB-C", "warranty": 12}, None),
    ],
    "cloth-and-thread": [
        ("tops", "Organic Cotton T-shirt", "有機純棉T恤", 590, 30, {"material": "cotton 棉", "fit": "regular 標準", "washable": True}, (_SC, {})),
        ("tops", "Linen Shirt", "亞麻襯衫", 1480, 20, {"material": "linen 亞麻", "fit": "relaxed 寬鬆", "washable": True}, (_S, {"XL": 100})),
        ("tops", "Merino Wool Sweater", "美麗諾羊毛毛衣", 2680, 15, {"material": "wool 羊毛", "fit": "regular 標準", "washable": False}, (_S, {})),
        ("tops", "Hoodie", "連帽上衣", 1280, 25, {"material": "cotton 棉", "fit": "relaxed 寬鬆", "washable": True}, (_SC, {})),
        ("tops", "Polo Shirt", "Polo 衫", 890, 25, {"material": "cotton 棉", "fit": "slim 修身", "washable": True}, (_S, {})),
        ("outerwear", "Windbreaker Jacket", "防風外套", 1980, 18, {"material": "polyester 聚酯纖維", "fit": "regular 標準", "washable": True}, (_S, {})),
        ("outerwear", "Light Down Jacket", "輕量羽絨外套", 3280, 12, {"material": "down 羽絨", "fit": "slim 修身", "washable": False}, (_S, {"XL": 200})),
        ("outerwear", "Denim Jacket", "牛仔外套", 2380, 14, {"material": "denim 丹寧", "fit": "regular 標準", "washable": True}, (_S, {})),
        ("accessories", "Canvas Tote Bag", "帆布托特包", 490, 80, {"material": "cotton 棉", "washable": True}, ({"colour": ["natural 米白", "black 黑"]}, {})),
        ("accessories", "Knit Beanie", "針織毛帽", 450, 60, {"material": "wool 羊毛", "washable": False}, None),
        ("accessories", "Linen Scarf", "亞麻圍巾", 680, 40, {"material": "linen 亞麻", "washable": True}, None),
        ("accessories", "Wool Socks (3 pairs)", "羊毛襪（3 雙入）", 390, 100, {"material": "wool 羊毛", "washable": True}, None),
        ("tops", "Linen Tea Ceremony Robe", "亞麻茶服", 2200, 8, {"material": "linen 亞麻", "fit": "relaxed 寬鬆", "washable": True}, (_S, {})),
    ],
    "bookworm": [
        ("fiction", "The House by the Sea", "海邊的房子", 380, 30, {"author": "林小雨 Lin Hsiao-yu", "publisher": "春山出版", "pages": 312, "language": "繁體中文 Traditional Chinese"}, None),
        ("fiction", "Night Market Life", "夜市人生", 350, 25, {"author": "陳大同 Chen Ta-tung", "publisher": "遠流", "pages": 280, "language": "繁體中文 Traditional Chinese"}, None),
        ("fiction", "The Rainy Season", "雨季", 420, 20, {"author": "Mei Wong", "publisher": "Harbour Press", "pages": 356, "language": "English"}, None),
        ("fiction", "Tales of a Mountain Town", "山城故事", 360, 18, {"author": "吳明 Wu Ming", "publisher": "聯經", "pages": 240, "language": "繁體中文 Traditional Chinese"}, None),
        ("cooking", "Taiwanese Home Cooking", "台灣家常菜", 480, 40, {"author": "王媽媽 Mama Wang", "publisher": "積木", "pages": 220, "language": "繁體中文 Traditional Chinese"}, None),
        ("cooking", "Cooking with Tea", "茶料理：用茶入菜的 50 道食譜", 450, 22, {"author": "黃茶師 Huang", "publisher": "積木", "pages": 180, "language": "繁體中文 Traditional Chinese"}, None),
        ("cooking", "Dessert Étude", "甜點練習曲", 520, 15, {"author": "Claire Lee", "publisher": "Harbour Press", "pages": 240, "language": "English"}, None),
        ("cooking", "One-Pot Meals", "一鍋到底", 399, 35, {"author": "張阿廚 Chang", "publisher": "三采", "pages": 192, "language": "繁體中文 Traditional Chinese"}, None),
        ("travel", "Round-Taiwan Guide", "台灣環島指南", 550, 30, {"author": "David Lin", "publisher": "Island Books", "pages": 400, "language": "English"}, None),
        ("travel", "Slow Travel in Hualien and Taitung", "花東慢旅", 430, 20, {"author": "許慢慢 Hsu", "publisher": "太雅", "pages": 260, "language": "繁體中文 Traditional Chinese"}, None),
        ("travel", "Taipei Walking Map", "台北散步地圖", 280, 50, {"author": "李走走 Lee", "publisher": "太雅", "pages": 120, "language": "繁體中文 Traditional Chinese"}, None),
        ("travel", "Outlying Islands", "離島漫遊：澎湖、金門、馬祖", 460, 12, {"author": "Sam Chen", "publisher": "Island Books", "pages": 300, "language": "English"}, None),
        ("cooking", "The Tea Lover's Handbook", "愛茶人手冊", 390, 2, {"author": "陳茶 Chen Cha", "publisher": "春山出版", "pages": 208, "language": "繁體中文 Traditional Chinese"}, None),
    ],
    "good-living": [
        ("kitchen", "Yingge Ceramic Mug", "鶯歌陶瓷馬克杯", 450, 60, {"material": "ceramic 陶瓷", "dimensions": "350 ml", "dishwasher_safe": True}, ({"colour": ["celadon 青瓷", "white 白", "charcoal 炭灰"]}, {})),
        ("kitchen", "Glass Teapot with Infuser", "玻璃濾茶壺", 780, 40, {"material": "glass 玻璃", "dimensions": "600 ml", "dishwasher_safe": True}, None),
        ("kitchen", "Cast Iron Pot 22cm", "鑄鐵鍋 22 公分", 3980, 10, {"material": "cast iron 鑄鐵", "dimensions": "22 cm", "dishwasher_safe": False}, None),
        ("kitchen", "Bamboo Cutting Board", "竹製砧板", 590, 50, {"material": "bamboo 竹", "dimensions": "40 x 28 cm", "dishwasher_safe": False}, None),
        ("kitchen", "Vacuum Flask 500ml", "保溫瓶 500ml", 890, 70, {"material": "stainless steel 不鏽鋼", "dimensions": "500 ml", "dishwasher_safe": False}, ({"colour": ["sage 鼠尾草綠", "sand 沙色"]}, {})),
        ("kitchen", "Gongfu Tea Set", "功夫茶具組", 1680, 20, {"material": "ceramic 陶瓷", "dimensions": "6 pieces", "dishwasher_safe": False}, None),
        ("bedding", "Cotton Bed Sheet Set", "純棉床單組", 1880, 25, {"material": "cotton 棉", "dishwasher_safe": False}, ({"size": ["single 單人", "double 雙人", "queen 加大"]}, {"double 雙人": 400, "queen 加大": 700})),
        ("bedding", "Down Pillow", "羽絨枕", 1280, 30, {"material": "down 羽絨", "dimensions": "48 x 74 cm", "dishwasher_safe": False}, None),
        ("bedding", "Linen Duvet Cover", "亞麻被套", 2480, 15, {"material": "linen 亞麻", "dishwasher_safe": False}, ({"size": ["double 雙人", "queen 加大"]}, {"queen 加大": 500})),
        ("decor", "Scented Candle: Oolong and Fig", "香氛蠟燭：烏龍與無花果", 680, 45, {"material": "wax 蠟", "dimensions": "200 g", "dishwasher_safe": False}, None),
        ("decor", "Ceramic Vase", "陶瓷花瓶", 980, 20, {"material": "ceramic 陶瓷", "dimensions": "H 24 cm", "dishwasher_safe": False}, None),
        ("decor", "Wooden Wall Clock", "木質掛鐘", 1290, 12, {"material": "wood 木", "dimensions": "30 cm", "dishwasher_safe": False}, None),
        ("decor", "Rattan Storage Basket", "藤編收納籃", 720, 35, {"material": "bamboo 竹", "dimensions": "30 x 22 cm", "dishwasher_safe": False}, None),
    ],
}

DESCRIPTION = (
    "<p><strong>{en}</strong> — {zh}.</p>"
    "<ul><li>Ships from {shop} within 2 days</li><li>{zh}，品質保證</li></ul>"
)
