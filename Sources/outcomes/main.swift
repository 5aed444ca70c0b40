print("outcomes")
