"""What customers write to Northwind Home's care team, and what the team writes back.

Plain data: subjects, bodies, agent replies and follow-ups per support reason, with
``{slots}`` that :mod:`journeymap.demo.support_mail` fills from the customer's real order
(its id, product, promised date, carrier, amount). Some German and French customers write
in their own language, as they do in any European shop's inbox.
"""

from __future__ import annotations

SUBJECTS: dict[str, tuple[str, ...]] = {
    "delivery_late": (
        "Where is my order {order}?",
        "Order {order} still not here",
        "Late delivery – order {order}",
        "Delivery was promised for {promised}",
        "Still waiting for my {item}",
    ),
    "where_is_my_order": (
        "When will order {order} be sent?",
        "Dispatch date for {order}",
        "Has my order shipped?",
    ),
    "confirmation_missing": (
        "Did my order go through?",
        "No confirmation email",
        "Order confirmation missing",
        "Charged but no confirmation",
    ),
    "payment_failed": (
        "Payment keeps failing",
        "Can't pay at checkout",
        "Card declined but money taken?",
        "Checkout error",
    ),
    "refund_delay": (
        "Refund still not received",
        "Where is my refund?",
        "Refund for order {order}",
        "Returned item – no refund yet",
    ),
    "return_question": (
        "How do I return an item?",
        "Return for order {order}",
        "Returning the {item}",
    ),
    "welcome_call_praise": (
        "Thank you for the call!",
        "Lovely phone call",
        "Just a quick thank you",
    ),
    "product_question": (
        "Question about the {item}",
        "Care instructions?",
        "Quick question about my order",
    ),
}

BODIES: dict[str, tuple[str, ...]] = {
    "delivery_late": (
        'My order {order} ({product}) was supposed to arrive on {promised} and it still hasn\'t turned up. The {carrier} tracking page just says "in transit". Can you tell me what is going on?',
        "I paid for delivery by {promised} and nothing has arrived. I took the day off work to be in for it. This is really frustrating. The order number is {order}.",
        "Just checking on order {order}. It was due {promised} but there's no sign of it and {carrier} aren't answering the phone. Could you chase it please?",
        "This is the second time I've waited in all day for a {carrier} delivery that never came. Order {order}, the {item}. If it isn't here by tomorrow please cancel it and refund me.",
        "The {item} I ordered ({order}) was meant to come on {promised}. I needed it for the weekend. Any update at all?",
    ),
    "where_is_my_order": (
        "I ordered the {item} yesterday (order {order}) and haven't had a dispatch email yet. When will it ship?",
        "Could you let me know when order {order} will be sent? The website said delivery on {promised}.",
    ),
    "confirmation_missing": (
        "I placed an order this morning for the {item} and {amount} has left my account, but I never got a confirmation email. Did the order go through? I don't want to order it twice.",
        "I bought a {item} on your website but nothing came through by email, not even in spam. Can you confirm you have my order?",
        "I can see a payment of {amount} to Northwind Home on my card but no confirmation. Is my order real? A bit worried to be honest.",
    ),
    "payment_failed": (
        "I tried three times to pay for a {item} and every time it says the payment could not be processed. My card works everywhere else. What is wrong with your checkout?",
        "Your payment page keeps timing out. I've got {amount} in my basket and I just want to pay. Is the site down?",
        'Tried to order this evening and the payment failed with "gateway timeout". Has any money been taken? My banking app shows a pending payment.',
    ),
    "refund_delay": (
        "I returned the {item} from order {order} almost two weeks ago and I still haven't had my refund of {amount}. The return was tracked and signed for. Please sort this out.",
        "Second time asking: where is my refund for {order}? You've had the item back for ages. I won't be ordering again if this is how returns work.",
        "Can you check the status of my refund? Order {order}, {amount}. It's been over ten days since you received the return.",
    ),
    "return_question": (
        "The {item} isn't quite what I expected. How do I send it back? I can't find a returns label in the parcel.",
        "I'd like to return part of order {order}. Do I have to pay for postage? Can I drop it at a showroom instead?",
    ),
    "welcome_call_praise": (
        "I just wanted to say thank you to the lady who called me about my {item}. She explained how to look after it and was so friendly. I've never had a shop ring me before – a really lovely touch.",
        "Your colleague phoned to check my order had arrived safely. Honestly, it made my day. You've got a customer for life.",
        "Thanks for the welcome call. The tips on caring for the {item} were really helpful!",
    ),
    "product_question": (
        "Can the {item} go in the dishwasher? There was nothing in the box about it.",
        "Do you sell replacement parts for the {item}? One of the pieces is a bit wobbly.",
        "Is the {item} available in another colour? I'd like a second one for my sister.",
    ),
}

FOREIGN: dict[tuple[str, str], tuple[str, str]] = {
    ("DE", "delivery_late"): (
        "Bestellung {order} noch nicht angekommen",
        "meine Bestellung {order} ({product}) sollte am {promised} geliefert werden, ist aber bis heute nicht angekommen. Laut Sendungsverfolgung von {carrier} ist das Paket „in Zustellung“. Können Sie bitte nachfragen?",
    ),
    ("DE", "refund_delay"): (
        "Rückerstattung für Bestellung {order}",
        "ich habe den Artikel ({product}) vor fast zwei Wochen zurückgeschickt, aber die Rückerstattung über {amount} ist immer noch nicht da. Bitte prüfen Sie das.",
    ),
    ("DE", "confirmation_missing"): (
        "Keine Bestellbestätigung erhalten",
        "der Betrag von {amount} wurde abgebucht, aber ich habe keine Bestätigung per E-Mail bekommen. Ist meine Bestellung angekommen?",
    ),
    ("FR", "delivery_late"): (
        "Commande {order} toujours pas livrée",
        "ma commande {order} ({product}) devait être livrée le {promised}, mais je n'ai toujours rien reçu. Le suivi {carrier} n'affiche aucune mise à jour. Pouvez-vous vérifier ?",
    ),
    ("FR", "refund_delay"): (
        "Remboursement commande {order}",
        "j'ai renvoyé l'article ({product}) il y a presque deux semaines et je n'ai toujours pas été remboursé de {amount}. Merci de faire le nécessaire.",
    ),
    ("FR", "confirmation_missing"): (
        "Pas de confirmation de commande",
        "le paiement de {amount} a été débité mais je n'ai reçu aucun e-mail de confirmation. Ma commande a-t-elle bien été enregistrée ?",
    ),
}
FOREIGN_GREETING = {"DE": "Guten Tag,", "FR": "Bonjour,"}
FOREIGN_CLOSING = {"DE": "Mit freundlichen Grüßen", "FR": "Cordialement,"}
FOREIGN_SHARE = 0.35

OPENERS: dict[str, tuple[str, ...]] = {
    "informal": ("Hi,", "Hello,", "Hi there,", "Hey,", "", "Hi Northwind,"),
    "formal": ("Dear Sir or Madam,", "Dear Northwind Home,", "Good morning,", "Hello,"),
}
CLOSERS: dict[str, tuple[str, ...]] = {
    "informal": ("Thanks", "Thanks!", "Cheers", "Thank you", "Best", "Many thanks"),
    "formal": ("Kind regards,", "Yours faithfully,", "Many thanks,", "Regards,"),
}
SIGN_OFFS: tuple[str, ...] = (
    "",
    "",
    "Sent from my iPhone",
    "Sent from my Galaxy",
    "Get Outlook for Android",
    "-- \n{full_name}\n{phone}",
)

AGENTS: tuple[str, ...] = ("Priya", "Tom", "Aisling", "Marek", "Sophie", "Daniel", "Grace")
AGENT_SIGNATURE = (
    "Kind regards,\n{agent}\nNorthwind Home Customer Care\n"
    "northwind-home.example.com · 0800 046 8200 · Mon–Sat 8:00–20:00"
)
REPLIES: dict[str, tuple[str, ...]] = {
    "delivery_late": (
        "Thank you for getting in touch, and I'm sorry your order {order} hasn't arrived on time. I've checked with {carrier} and the parcel was held up at their depot. It is out for delivery again and should reach you within two working days. As an apology I've added a {voucher} voucher to your account.",
        "I'm really sorry about the wait for order {order}. {carrier} have confirmed a delay in your area; I've asked them to prioritise your parcel and I'll keep an eye on it for you.",
    ),
    "where_is_my_order": (
        "Your order {order} has left our warehouse and is with {carrier}. It is expected on {promised}; you'll get a tracking link by email shortly.",
    ),
    "confirmation_missing": (
        "I can confirm we have your order {order} for {amount} and it's being packed now. I'm sorry the confirmation email didn't reach you; we've had a problem with our email system and the team is looking into it. I've resent it just now.",
        "Good news: your order {order} went through fine. The confirmation email seems to have got stuck on our side – apologies for the worry. Please don't order again, you won't be charged twice.",
    ),
    "payment_failed": (
        "Sorry for the trouble at checkout. Our payment provider had a technical problem; no money has been taken and any pending amount will disappear within 3–5 working days. Everything is working again, so please do try once more.",
        "I'm sorry you couldn't complete your payment. I can't see a successful payment on our side, so nothing has been charged. If it fails again, you can also order by phone on 0800 046 8200.",
    ),
    "refund_delay": (
        "I'm sorry for the wait. Your return for order {order} reached our warehouse and the refund of {amount} has now been approved. It should show in your account within 3–5 working days.",
        "You're right to chase this and I apologise. The refund for {order} was stuck in a manual check; I've pushed it through today ({amount}).",
    ),
    "return_question": (
        'You can return any item within 30 days. Log in to your account, choose "Return an item" next to order {order} and print the free label – or simply bring it to any Northwind showroom.',
    ),
    "welcome_call_praise": (
        "Thank you so much for your lovely message – I've passed it on to the team and it really made their day.",
    ),
    "product_question": (
        "Good question! You'll find full care instructions for the {item} in our guides at northwind-home.example.com/guides. If anything is still unclear, just reply to this email.",
    ),
}

FOLLOW_UPS_GOOD: tuple[str, ...] = (
    "Thanks for sorting that out so quickly.",
    "Great, it arrived this morning. Thanks for your help.",
    "OK, thank you. I'll keep an eye on my account.",
    "Brilliant, thank you!",
)
FOLLOW_UPS_BAD: tuple[str, ...] = (
    "That's what I was told last week as well. Still nothing.",
    "Sorry, but this isn't good enough. I'd like a full refund.",
    "I've checked again and there's still no refund. Please escalate this.",
    "I've now been waiting over a week. Can someone actually call me?",
)
UNHAPPY_REASONS = frozenset({"delivery_late", "refund_delay", "payment_failed"})

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
