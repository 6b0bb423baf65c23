"""The words the demo data set is made of: pure data, no logic beyond parsing it.

Places and invented agency names per country, role titles per specialty, the weights that
shape the market (agencies per country, specialties, how engagements start), the notes
candidates attach to events, and the sentences of reviews and agency replies in English and
Spanish. Most tables are written as ``table()`` text, one "key: item, item" line per key.
"""


def table(text: str, separator: str = ",") -> dict[str, tuple[str, ...]]:
    """Parse lines of "key: item, item" into {key: (item, item)}; indented lines continue."""
    joined: dict[str, str] = {}
    key = ""
    for line in text.strip("\n").splitlines():
        if line.startswith(" "):
            joined[key] += " " + line.strip()
        else:
            key, items = line.split(":", 1)
            joined[key] = items.strip()
    return {
        key: tuple(item.strip() for item in items.split(separator) if item.strip())
        for key, items in joined.items()
    }


# --- Places and names ------------------------------------------------------------------------

# How many demo agencies each country gets.
AGENCY_COUNTS = {
    "GB": 26, "ES": 22, "US": 20, "DE": 14, "MX": 14, "FR": 12, "PT": 12, "IE": 10, "NL": 10,
    "AR": 10,
}  # fmt: skip
CITIES = table("""
GB: London, Manchester, Birmingham, Leeds, Glasgow, Edinburgh, Bristol, Cardiff, Liverpool
ES: Madrid, Barcelona, Valencia, Sevilla, Bilbao, Málaga, Zaragoza, Alicante, Valladolid
US: New York, San Francisco, Chicago, Austin, Boston, Seattle, Atlanta, Denver
DE: Berlin, München, Hamburg, Frankfurt am Main, Köln, Stuttgart, Düsseldorf, Leipzig
MX: Ciudad de México, Guadalajara, Monterrey, Puebla, Querétaro, Mérida
FR: Paris, Lyon, Marseille, Toulouse, Bordeaux, Lille, Nantes
PT: Lisboa, Porto, Braga, Coimbra
IE: Dublin, Cork, Galway, Limerick, Waterford
NL: Amsterdam, Rotterdam, Utrecht, Den Haag, Eindhoven
AR: Buenos Aires, Córdoba, Rosario, Mendoza
""")
LEGAL_FORMS = table("""
GB: Ltd
ES: S.L.
US: LLC, Inc.
DE: GmbH
MX: S.C.
FR: SAS
PT: Lda.
IE: Ltd
NL: B.V.
AR: S.R.L.
""")
SPANISH_SPEAKING = frozenset({"ES", "MX", "AR"})

ENGLISH_NAMES = table("""
stems: Northbridge, Bluewater, Kestrel, Harbourside, Ashford, Meridian, Summit, Brightpath,
  Oakridge, Silverline, Clearwater, Redwood, Beacon, Keystone, Thistle, Cobalt, Granite,
  Lighthouse, Crescent, Foxglove, Greenfield, Hawthorn, Ironbridge, Juniper, Lakeside, Millbrook,
  Northstar, Orchard, Pinnacle, Quayside, Riverside, Stonegate, Tidewater, Westbury, Falcon,
  Larkspur, Harrow, Elmstead, Copperfield, Waypoint, Bramble, Highgate, Fairhaven, Sterling,
  Atlas, Compass, Evergreen, Maplewood, Bridgeport, Windmill, Halcyon, Osprey, Saltmarsh,
  Blackthorn, Kingsway, Linden
irish: Liffey, Shannon, Emerald, Wicklow, Connemara, Burren, Corrib, Slaney, Boyne
kinds: Talent, Recruitment, Search, Partners, Resourcing, People, Staffing, Careers, Selection,
  Talent Partners, Executive Search, Recruiting, Associates
""")
# Spanish names agree in gender: "kind/gender", and region adjectives "masculine/feminine".
SPANISH_NAMES = table("""
kinds: Selección/f, Talento/m, Reclutamiento/m, Capital Humano/m, Búsqueda Ejecutiva/f,
  Gestión de Talento/f
ES: Ibérico/Ibérica, Cantábrico/Cantábrica, Mediterráneo/Mediterránea, Atlántico/Atlántica,
  Castellano/Castellana, Levantino/Levantina, Bético/Bética, Pirenaico/Pirenaica, Galaico/Galaica
MX: Azteca/Azteca, del Bajío/del Bajío, Norteño/Norteña, del Pacífico/del Pacífico, Maya/Maya,
  Tapatío/Tapatía, Regio/Regia, Anáhuac/Anáhuac
AR: Austral/Austral, Pampeano/Pampeana, Andino/Andina, Rioplatense/Rioplatense,
  Patagónico/Patagónica, del Plata/del Plata, Cuyano/Cuyana
""")
# Other countries: a local stem followed by a local kind of firm.
LOCAL_STEMS = table("""
DE: Nordlicht, Rheinland, Elbufer, Isartal, Spreeblick, Alster, Taunus, Mainhafen, Weserberg
FR: Lumière, Seine, Loire, Provence, Rhône, Atlantique, Étoile, Garonne, Vauban, Mistral
NL: Grachten, Polder, Tulp, Delta, Zuiderzee, Oranje, Molen, Dijkstra, Vecht, Duinrand
PT: Tejo, Douro, Atlântico, Lusitânia, Minho, Algarve, Mondego, Sado, Alfama
""")
LOCAL_KINDS = table("""
DE: Personalberatung, Personal, Talent, Recruiting, Personalvermittlung
FR: Recrutement, Conseil, Talents, RH, Sélection
NL: Werving & Selectie, Talent, Recruitment, Personeel, Search
PT: Recrutamento, Talentos, Consultores, Seleção, Recursos Humanos
""")
# Common specialties come up more often, as they do in the market.
SPECIALTY_WEIGHTS = {
    "technology": 10, "finance": 7, "engineering": 5, "healthcare": 4, "sales": 6,
    "marketing": 4, "legal": 2, "human_resources": 2, "executive": 3, "hospitality": 3,
    "logistics": 3, "education": 2, "construction": 3, "creative": 2, "administration": 3,
}  # fmt: skip
ROLE_TITLES = table("""
technology: Backend Developer, Senior Python Engineer, DevOps Engineer, Data Analyst,
  QA Engineer, Frontend Developer, Engineering Manager, Data Engineer
finance: Financial Analyst, Management Accountant, Credit Controller, Finance Manager,
  Payroll Specialist, Risk Analyst
engineering: Mechanical Design Engineer, Process Engineer, Electrical Engineer, Quality Engineer
healthcare: Staff Nurse, Clinical Research Associate, Physiotherapist, Care Coordinator
sales: Account Executive, Business Development Manager, Inside Sales Representative,
  Key Account Manager
marketing: Digital Marketing Manager, Content Strategist, SEO Specialist, Brand Manager
legal: Paralegal, Commercial Lawyer, Compliance Officer, Legal Counsel
human_resources: HR Business Partner, Talent Acquisition Specialist, HR Generalist
executive: Chief Financial Officer, Head of Operations, VP of Engineering, Country Manager
hospitality: Hotel Operations Manager, Head Chef, Front Office Manager, Restaurant Manager
logistics: Warehouse Supervisor, Supply Chain Planner, Transport Manager, Procurement Specialist
education: Secondary School Teacher, Learning Designer, Academic Coordinator
construction: Site Manager, Quantity Surveyor, Project Engineer, Health and Safety Advisor
creative: Product Designer, UX Researcher, Graphic Designer, Art Director
administration: Office Manager, Executive Assistant, Administrative Assistant, Receptionist
""")
SPANISH_ROLE_TITLES = table("""
technology: Desarrollador Backend, Analista de Datos
finance: Analista Financiero, Controller Financiero
engineering: Ingeniero de Procesos, Ingeniera de Calidad
healthcare: Enfermera, Fisioterapeuta
sales: Ejecutivo de Cuentas, Responsable de Desarrollo de Negocio
marketing: Responsable de Marketing Digital, Especialista SEO
legal: Abogado Mercantil, Técnico de Cumplimiento
human_resources: Técnico de Recursos Humanos, HR Business Partner
executive: Director Financiero, Director de Operaciones
hospitality: Jefe de Cocina, Director de Hotel
logistics: Responsable de Almacén, Técnico de Compras
education: Profesor de Secundaria, Coordinadora Académica
construction: Jefe de Obra, Técnico de Prevención
creative: Diseñador de Producto, Diseñadora Gráfica
administration: Administrativo, Asistente de Dirección
""")
# Keys are reviews.models.Source values, spelled out so that planning needs no models.
SOURCE_WEIGHTS = {
    "linkedin": 35, "job_board": 22, "application": 18, "email": 10, "phone": 8, "referral": 7,
}  # fmt: skip

# --- Notes on events -------------------------------------------------------------------------

SALARY_FISHING_NOTES = (
    "Asked for my current salary before telling me the client or the band.",
    "Wanted my payslip figures on the first call; no client name.",
    "Would not say who the client was until I gave a number.",
)
ROLE_NOT_REAL_NOTES = (
    "The same ad has been reposted every month since spring.",
    "A contact at the company says they never worked with this agency.",
    "They admitted the role was 'for future openings'.",
)
SILENCE_NOTES = ("No answer to two e-mails and a call.", "Stopped answering after the CV.", "")
OFFER_NOTES = ("Offer in line with the band they gave at the start.", "")

# --- Reviews and replies ---------------------------------------------------------------------

# Review texts by "language tone" (tone: good, mixed, bad); "|" separates the variants.
OPENINGS = table(
    """
en good: Professional from start to finish. | One of the better agencies I have dealt with. |
  A genuinely good experience. | Clear and honest throughout. |
  They treated me like a person, not a CV.
en mixed: A mixed experience. | Fine at the start, then it faded. | Not bad, not great. |
  Decent, with gaps in the communication.
en bad: I would not go through this agency again. | Disappointing from the first call. |
  Avoid if you value your time. | A frustrating process.
es good: Muy profesionales de principio a fin. | De las mejores agencias con las que he tratado. |
  Una experiencia realmente buena. | Claros y honestos en todo momento.
es mixed: Experiencia irregular. | Bien al principio, luego se fueron desentendiendo. |
  Ni bien ni mal. | Correctos, aunque con lagunas en la comunicación.
es bad: No volvería a pasar por esta agencia. | Decepcionante desde la primera llamada. |
  Si valoras tu tiempo, evítalos. | Un proceso frustrante.
""",
    "|",
)
CLOSINGS = table(
    """
en good: Recommended. | I would happily work with them again.
en mixed: Could be great with a bit more follow-through. | Worth a try, but chase them.
en bad: Be careful what you share with them. | Not recommended.
es good: Recomendables. | Volvería a trabajar con ellos sin dudarlo.
es mixed: Con un poco más de seguimiento serían muy buenos. | Se puede probar, pero insiste.
es bad: Cuidado con los datos que les compartes. | No los recomiendo.
""",
    "|",
)
# What happened, by "language fact" (the facts are those story_facts finds).
FACT_SENTENCES = table(
    """
en quick: They answered every message within a couple of days. |
  The recruiter always called back when promised.
en slow: Replies took weeks, when they came at all.
en feedback: After the interview I got detailed feedback on what the client liked and what was
  missing. | Even the rejection came with useful feedback.
en no_feedback: After the interviews I never heard why I was turned down.
en notice: They let me know promptly when the client went another way.
en ghosted: At some point they simply stopped answering my e-mails. |
  I chased twice and never got a reply.
en fake: The role turned out not to exist; I think they only wanted my CV for their database.
en fishing: The first thing they asked was my current salary, before naming the client or the
  pay band.
en disclosed: They shared the client and the salary band before asking about my expectations.
en offer: I got the offer and the recruiter handled the negotiation well.
en follow_up: A few weeks later they came back with another role that actually matched my
  profile.
en withdrew: I withdrew in the end, and they took it gracefully.
es quick: Respondían a cada mensaje en un par de días. |
  La reclutadora siempre devolvía la llamada cuando lo prometía.
es slow: Las respuestas tardaban semanas, cuando llegaban.
es feedback: Después de la entrevista me dieron un feedback detallado sobre lo que gustó al
  cliente y lo que faltaba. | Incluso el rechazo vino con comentarios útiles.
es no_feedback: Tras las entrevistas nunca supe por qué me descartaron.
es notice: Me avisaron enseguida cuando el cliente eligió a otra persona.
es ghosted: En algún momento dejaron de contestar a mis correos. |
  Escribí dos veces preguntando y nunca obtuve respuesta.
es fake: La oferta resultó no existir; creo que solo querían mi CV para su base de datos.
es fishing: Lo primero que preguntaron fue mi salario actual, antes de decirme el cliente o la
  banda salarial.
es disclosed: Me dieron el nombre del cliente y la banda salarial antes de preguntar por mis
  expectativas.
es offer: Recibí la oferta y el reclutador gestionó muy bien la negociación.
es follow_up: Unas semanas después volvieron con otro puesto que sí encajaba con mi perfil.
es withdrew: Al final me retiré del proceso y lo entendieron sin problema.
""",
    "|",
)
# Agency replies by "language situation": thanks, sorry (a poor review), ghosted.
AGENCY_REPLIES = table(
    """
en thanks: Thank you for the kind words; it was a pleasure working with you. |
  Thanks for taking the time to write this. We will pass it on to the team.
en sorry: Thank you for writing this. We are sorry the process fell short; we have changed how
  we keep candidates informed after interviews. | Thank you for the honest feedback. We have
  shared it with the consultant and reviewed how we handle roles like this one.
en ghosted: We are sorry nobody got back to you. Every candidate should hear from us within a
  week, and we are looking into what went wrong.
es thanks: Gracias por tus palabras; ha sido un placer trabajar contigo. |
  Gracias por dedicar tiempo a escribir esto. Se lo trasladamos al equipo.
es sorry: Gracias por contarlo. Sentimos que el proceso no estuviera a la altura; hemos
  cambiado cómo informamos a los candidatos tras las entrevistas. | Gracias por la sinceridad.
  Lo hemos hablado con la consultora y hemos revisado cómo gestionamos este tipo de procesos.
es ghosted: Sentimos que nadie te respondiera. Todo candidato debería tener noticias nuestras
  en una semana y estamos revisando qué falló.
""",
    "|",
)
