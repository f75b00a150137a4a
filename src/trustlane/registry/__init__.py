"""Registry: organizations (traders, facilities, carriers, agencies), their roles,
identifiers, addresses and industry sector; resolution of declaration parties to them."""
