# ruff: noqa: E501  (one sentence a line: the translations read best unbroken)
"""The kinds of national target the demo countries set, in the six UN languages.

Each theme is a title template (``{v}`` the value, ``{y}`` the year), the GBF targets
it aligns with (the first fully, the others partially) and, where it has a number,
the global element its number contributes to. The wording follows the usual shape of
national targets in NBSAPs; the numbers are drawn per country by ``generate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Theme:
    key: str
    title: dict[str, str]
    aligns: tuple[str, ...]
    indicators: tuple[str, ...] = ()
    global_element: str = ""
    unit: str = ""
    quantity: dict[str, str] = field(default_factory=dict)
    values: tuple[float, ...] = ()


ILLUSTRATIVE = {
    "en": "Illustrative example generated for the Meadow demo; not an official national target.",
    "fr": "Exemple fictif créé pour la démonstration de Meadow ; ce n'est pas un objectif national officiel.",
    "es": "Ejemplo ilustrativo generado para la demostración de Meadow; no es una meta nacional oficial.",
    "ru": "Условный пример, созданный для демонстрации Meadow; не является официальной национальной целью.",
    "zh": "为 Meadow 演示生成的示例，并非正式的国家具体目标。",
    "ar": "مثال توضيحي أُنشئ لعرض Meadow؛ وليس هدفاً وطنياً رسمياً.",
}

THEMES: tuple[Theme, ...] = (
    Theme(
        key="land",
        title={
            "en": "By {y}, at least {v} % of land and inland waters are effectively conserved in protected areas and other effective area-based conservation measures",
            "fr": "D'ici à {y}, au moins {v} % des terres et des eaux intérieures sont effectivement conservés au moyen d'aires protégées et d'autres mesures de conservation efficaces par zone",
            "es": "Para {y}, al menos el {v} % de las zonas terrestres y de aguas continentales se conserva eficazmente mediante áreas protegidas y otras medidas eficaces de conservación basadas en áreas",
            "ru": "К {y} году не менее {v} % суши и внутренних вод эффективно сохраняются в охраняемых районах и с помощью других эффективных природоохранных мер",
            "zh": "到{y}年，至少{v}%的陆地和内陆水域通过保护区和其他有效的区域保护措施得到有效养护",
            "ar": "بحلول عام {y}، تُصان بفعالية {v} في المائة على الأقل من المناطق البرية والمياه الداخلية في مناطق محمية وتدابير حفظ فعالة أخرى قائمة على المناطق",
        },
        aligns=("gbf/target/3", "gbf/target/1"),
        indicators=("gbf/indicator/3.1",),
        global_element="gbf-3-land",
        unit="percent",
        quantity={
            "en": "Land and inland waters in protected areas and OECMs",
            "fr": "Terres et eaux intérieures en aires protégées et AMCEZ",
            "es": "Zonas terrestres y aguas continentales en áreas protegidas y OMEC",
            "ru": "Суша и внутренние воды в охраняемых районах и ДЭМС",
            "zh": "保护区和其他有效的区域保护措施覆盖的陆地和内陆水域",
            "ar": "المناطق البرية والمياه الداخلية في المناطق المحمية وتدابير الحفظ الفعالة",
        },
        values=(17, 20, 25, 30, 30, 30),
    ),
    Theme(
        key="marine",
        title={
            "en": "By {y}, at least {v} % of marine and coastal areas are effectively conserved",
            "fr": "D'ici à {y}, au moins {v} % des zones marines et côtières sont effectivement conservés",
            "es": "Para {y}, al menos el {v} % de las zonas marinas y costeras se conserva eficazmente",
            "ru": "К {y} году не менее {v} % морских и прибрежных районов эффективно сохраняются",
            "zh": "到{y}年，至少{v}%的海洋和沿海区域得到有效养护",
            "ar": "بحلول عام {y}، تُصان بفعالية {v} في المائة على الأقل من المناطق البحرية والساحلية",
        },
        aligns=("gbf/target/3",),
        indicators=("gbf/indicator/3.1",),
        global_element="gbf-3-marine",
        unit="percent",
        quantity={
            "en": "Marine and coastal areas conserved",
            "fr": "Zones marines et côtières conservées",
            "es": "Zonas marinas y costeras conservadas",
            "ru": "Сохраняемые морские и прибрежные районы",
            "zh": "得到养护的海洋和沿海区域",
            "ar": "المناطق البحرية والساحلية المصانة",
        },
        values=(10, 20, 30, 30),
    ),
    Theme(
        key="restoration",
        title={
            "en": "By {y}, restoration is under way on at least {v} % of degraded ecosystems",
            "fr": "D'ici à {y}, au moins {v} % des écosystèmes dégradés font l'objet d'une restauration",
            "es": "Para {y}, se está restaurando al menos el {v} % de los ecosistemas degradados",
            "ru": "К {y} году ведётся восстановление не менее {v} % деградировавших экосистем",
            "zh": "到{y}年，至少{v}%的退化生态系统正在得到恢复",
            "ar": "بحلول عام {y}، تجري استعادة {v} في المائة على الأقل من النظم الإيكولوجية المتدهورة",
        },
        aligns=("gbf/target/2", "gbf/target/11"),
        indicators=("gbf/indicator/2.1",),
        global_element="gbf-2-restoration",
        unit="percent",
        quantity={
            "en": "Degraded ecosystems under restoration",
            "fr": "Écosystèmes dégradés en cours de restauration",
            "es": "Ecosistemas degradados en restauración",
            "ru": "Деградировавшие экосистемы в процессе восстановления",
            "zh": "正在恢复的退化生态系统",
            "ar": "النظم الإيكولوجية المتدهورة قيد الاستعادة",
        },
        values=(10, 15, 20, 30),
    ),
    Theme(
        key="species",
        title={
            "en": "By {y}, the extinction of known threatened species caused by human activity is halted and their risk of extinction falls",
            "fr": "D'ici à {y}, l'extinction d'espèces menacées connues due à l'activité humaine est enrayée et leur risque d'extinction diminue",
            "es": "Para {y}, se detiene la extinción de especies amenazadas conocidas causada por el ser humano y se reduce su riesgo de extinción",
            "ru": "К {y} году прекращено вызванное деятельностью человека вымирание известных угрожаемых видов, и риск их вымирания снижается",
            "zh": "到{y}年，制止人为造成的已知受威胁物种灭绝，并降低其灭绝风险",
            "ar": "بحلول عام {y}، يُوقَف انقراض الأنواع المهددة المعروفة الناجم عن النشاط البشري وينخفض خطر انقراضها",
        },
        aligns=("gbf/target/4", "gbf/goal/A"),
        indicators=("gbf/indicator/A.3",),
    ),
    Theme(
        key="invasive",
        title={
            "en": "By {y}, the introduction and establishment of invasive alien species is reduced by at least {v} %",
            "fr": "D'ici à {y}, l'introduction et l'établissement d'espèces exotiques envahissantes sont réduits d'au moins {v} %",
            "es": "Para {y}, la introducción y el establecimiento de especies exóticas invasoras se reducen al menos un {v} %",
            "ru": "К {y} году интродукция и укоренение инвазивных чужеродных видов сокращены не менее чем на {v} %",
            "zh": "到{y}年，外来入侵物种的引入和定殖减少至少{v}%",
            "ar": "بحلول عام {y}، يُخفَّض إدخال الأنواع الغريبة الغازية واستيطانها بنسبة {v} في المائة على الأقل",
        },
        aligns=("gbf/target/6",),
        indicators=("gbf/indicator/6.1",),
        global_element="gbf-6-invasive",
        unit="percent",
        quantity={
            "en": "Reduction in the rate of introduction and establishment of invasive alien species",
            "fr": "Réduction du taux d'introduction et d'établissement d'espèces exotiques envahissantes",
            "es": "Reducción de la tasa de introducción y establecimiento de especies exóticas invasoras",
            "ru": "Сокращение темпов интродукции и укоренения инвазивных чужеродных видов",
            "zh": "外来入侵物种引入和定殖率的降低",
            "ar": "خفض معدل إدخال الأنواع الغريبة الغازية واستيطانها",
        },
        values=(25, 50, 50),
    ),
    Theme(
        key="nutrients",
        title={
            "en": "By {y}, excess nutrients lost to the environment are reduced by at least {v} %",
            "fr": "D'ici à {y}, les excédents de nutriments rejetés dans l'environnement sont réduits d'au moins {v} %",
            "es": "Para {y}, el exceso de nutrientes que se pierde en el medio ambiente se reduce al menos un {v} %",
            "ru": "К {y} году потери избыточных биогенных веществ в окружающую среду сокращены не менее чем на {v} %",
            "zh": "到{y}年，流失到环境中的过量养分减少至少{v}%",
            "ar": "بحلول عام {y}، تُخفَّض المغذيات الزائدة المفقودة في البيئة بنسبة {v} في المائة على الأقل",
        },
        aligns=("gbf/target/7",),
        indicators=("gbf/indicator/7.1",),
        global_element="gbf-7-nutrients",
        unit="percent",
        quantity={
            "en": "Reduction in excess nutrients lost to the environment",
            "fr": "Réduction des excédents de nutriments rejetés dans l'environnement",
            "es": "Reducción del exceso de nutrientes perdidos en el medio ambiente",
            "ru": "Сокращение потерь избыточных биогенных веществ",
            "zh": "流失到环境中的过量养分的减少",
            "ar": "خفض المغذيات الزائدة المفقودة في البيئة",
        },
        values=(30, 50, 50),
    ),
    Theme(
        key="finance",
        title={
            "en": "By {y}, at least {v} million US dollars a year are mobilised for biodiversity from all sources",
            "fr": "D'ici à {y}, au moins {v} millions de dollars des États-Unis par an sont mobilisés en faveur de la biodiversité, toutes sources confondues",
            "es": "Para {y}, se movilizan al menos {v} millones de dólares de los Estados Unidos al año para la diversidad biológica, de todas las fuentes",
            "ru": "К {y} году из всех источников ежегодно мобилизуется не менее {v} млн долларов США на цели сохранения биоразнообразия",
            "zh": "到{y}年，每年从各种来源为生物多样性筹集至少{v}百万美元",
            "ar": "بحلول عام {y}، تُعبّأ سنوياً {v} مليون دولار أمريكي على الأقل من جميع المصادر لصالح التنوع البيولوجي",
        },
        aligns=("gbf/target/19", "gbf/goal/D"),
        indicators=("gbf/indicator/D.2",),
        global_element="gbf-19-total",
        unit="USD per year",
        quantity={
            "en": "Biodiversity finance mobilised from all sources",
            "fr": "Financement de la biodiversité mobilisé, toutes sources confondues",
            "es": "Financiación para la diversidad biológica movilizada de todas las fuentes",
            "ru": "Финансирование биоразнообразия из всех источников",
            "zh": "从各种来源筹集的生物多样性资金",
            "ar": "تمويل التنوع البيولوجي المعبأ من جميع المصادر",
        },
        values=(50, 120, 400, 900, 2500),
    ),
    Theme(
        key="knowledge",
        title={
            "en": "By {y}, biodiversity data and knowledge, including traditional knowledge with free, prior and informed consent, are open to decision-makers and the public",
            "fr": "D'ici à {y}, les données et connaissances sur la biodiversité, y compris les connaissances traditionnelles avec un consentement préalable donné librement et en connaissance de cause, sont accessibles aux décideurs et au public",
            "es": "Para {y}, los datos y conocimientos sobre la diversidad biológica, incluidos los conocimientos tradicionales con consentimiento libre, previo e informado, están al alcance de los responsables de la toma de decisiones y del público",
            "ru": "К {y} году данные и знания о биоразнообразии, включая традиционные знания при свободном, предварительном и осознанном согласии, доступны лицам, принимающим решения, и общественности",
            "zh": "到{y}年，生物多样性数据和知识，包括经自由、事先和知情同意的传统知识，向决策者和公众开放",
            "ar": "بحلول عام {y}، تُتاح بيانات التنوع البيولوجي ومعارفه، بما فيها المعارف التقليدية بموافقة حرة ومسبقة ومستنيرة، لصانعي القرار والجمهور",
        },
        aligns=("gbf/target/21", "gbf/target/20"),
        indicators=("gbf/indicator/21.1",),
    ),
    Theme(
        key="mainstreaming",
        title={
            "en": "By {y}, biodiversity values are integrated into national and sectoral policies, planning and environmental impact assessments",
            "fr": "D'ici à {y}, les valeurs de la biodiversité sont intégrées dans les politiques nationales et sectorielles, la planification et les études d'impact sur l'environnement",
            "es": "Para {y}, los valores de la diversidad biológica se integran en las políticas nacionales y sectoriales, la planificación y las evaluaciones de impacto ambiental",
            "ru": "К {y} году ценности биоразнообразия учтены в национальной и отраслевой политике, планировании и оценках воздействия на окружающую среду",
            "zh": "到{y}年，生物多样性价值被纳入国家和部门政策、规划及环境影响评估",
            "ar": "بحلول عام {y}، تُدمج قيم التنوع البيولوجي في السياسات الوطنية والقطاعية والتخطيط وتقييمات الأثر البيئي",
        },
        aligns=("gbf/target/14", "gbf/target/1"),
        indicators=(),
    ),
    Theme(
        key="participation",
        title={
            "en": "By {y}, indigenous peoples, local communities, women and youth take part fully and effectively in biodiversity decisions",
            "fr": "D'ici à {y}, les peuples autochtones, les communautés locales, les femmes et les jeunes participent pleinement et effectivement aux décisions relatives à la biodiversité",
            "es": "Para {y}, los pueblos indígenas, las comunidades locales, las mujeres y los jóvenes participan plena y efectivamente en las decisiones sobre la diversidad biológica",
            "ru": "К {y} году коренные народы, местные общины, женщины и молодёжь в полной мере и эффективно участвуют в принятии решений о биоразнообразии",
            "zh": "到{y}年，土著人民和地方社区、妇女和青年充分有效地参与生物多样性决策",
            "ar": "بحلول عام {y}، تشارك الشعوب الأصلية والمجتمعات المحلية والنساء والشباب مشاركة كاملة وفعالة في القرارات المتعلقة بالتنوع البيولوجي",
        },
        aligns=("gbf/target/22", "gbf/target/23"),
        indicators=("gbf/indicator/22.1",),
    ),
)
